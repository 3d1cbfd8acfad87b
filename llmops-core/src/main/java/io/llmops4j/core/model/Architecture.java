package io.llmops4j.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.core.ModelFormatException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The model families this runtime implements, keyed by the {@code architectures} value of {@code config.json}. */
public enum Architecture {
    LLAMA("LlamaForCausalLM"),
    MISTRAL("MistralForCausalLM"),
    QWEN2("Qwen2ForCausalLM"),
    QWEN3("Qwen3ForCausalLM"),
    GPT2("GPT2LMHeadModel");

    private final String hfName;

    Architecture(String hfName) {
        this.hfName = hfName;
    }

    /** The class name transformers uses for this family. */
    public String hfName() {
        return hfName;
    }

    static Architecture fromConfig(JsonNode root, String source) {
        JsonNode archs = root.get("architectures");
        String supported = Arrays.stream(values()).map(Architecture::hfName).collect(Collectors.joining(", "));
        if (archs == null || !archs.isArray() || archs.isEmpty()) {
            throw new ModelFormatException(source + ": field 'architectures' must be a non-empty list naming one of ["
                    + supported + "], found " + archs);
        }
        String name = archs.get(0).asText();
        for (Architecture a : values()) {
            if (a.hfName.equals(name)) {
                return a;
            }
        }
        throw new ModelFormatException(source + ": unsupported architecture '" + name + "'; supported: [" + supported + "]");
    }
}
