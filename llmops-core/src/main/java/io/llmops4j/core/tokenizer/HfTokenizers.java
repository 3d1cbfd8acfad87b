package io.llmops4j.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.model.Djl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Opens Hugging Face {@code tokenizer.json} content with DJL's native binding, offline, and turns every failure
 * into a {@link ModelFormatException} that names the source. Shared by {@link Tokenizer} and the ONNX embedder so
 * both read tokenizer files the same way; not meant for application code.
 */
public final class HfTokenizers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizers() {
    }

    /**
     * Parses JSON text, reporting malformed input with its line and column.
     *
     * @param text the JSON document
     * @param source the file or resource name used in error messages
     * @return the parsed tree
     * @throws ModelFormatException if the text is not well-formed JSON
     */
    public static JsonNode parseJson(String text, String source) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ModelFormatException(source + ": expected a JSON document, found an empty file");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ModelFormatException(source + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Creates a native tokenizer from the text of a {@code tokenizer.json}. DJL's offline mode is switched on first
     * (unless the application chose otherwise) so that nothing is fetched from the network.
     *
     * @param tokenizerJson the content of {@code tokenizer.json}
     * @param source the file or resource name used in error messages
     * @param options DJL tokenizer options ({@code addSpecialTokens}, {@code truncation}, {@code padding},
     *     {@code maxLength}, {@code modelMaxLength})
     * @return the native tokenizer; the caller closes it
     * @throws ModelFormatException if the tokenizers library rejects the content
     */
    public static HuggingFaceTokenizer open(String tokenizerJson, String source, Map<String, String> options) {
        Djl.offline();
        try (InputStream in = new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8))) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(
                    source + ": the Hugging Face tokenizers library rejected it: " + e.getMessage(), e);
        }
    }
}
