package io.llmops4j.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmops4j.eval.DatasetFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An evaluation dataset: a list of {@link Example}s and a content hash that identifies it in run parameters.
 *
 * <p>JSONL format, one object per line (blank lines are skipped): {@code input} (string, required),
 * {@code reference} (string) or {@code references} (array of strings), optional {@code context} (string) and
 * {@code id} (string or number, unique; default: the line number); every other field is kept as metadata.
 */
public record Dataset(String name, List<Example> examples, String sha256) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Dataset {
        examples = List.copyOf(examples);
    }

    /** A dataset from examples; the hash is taken over their canonical JSON. */
    public static Dataset of(String name, List<Example> examples) {
        try {
            return new Dataset(name, examples, sha256(JSON.writeValueAsBytes(examples)));
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException("cannot serialise dataset '" + name + "': " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a JSONL file.
     *
     * @throws DatasetFormatException naming the file and the 1-based line of the first bad line
     */
    public static Dataset readJsonl(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read dataset " + file + ": " + e, e);
        }
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        List<Example> examples = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            Example ex = parseLine(file, i + 1, line);
            if (!ids.add(ex.id())) {
                throw new DatasetFormatException(file + " line " + (i + 1) + ": duplicate id '" + ex.id() + "'");
            }
            examples.add(ex);
        }
        if (examples.isEmpty()) {
            throw new DatasetFormatException(file + ": no examples (the file is empty)");
        }
        return new Dataset(file.getFileName().toString(), examples, sha256(bytes));
    }

    private static Example parseLine(Path file, int lineNo, String line) {
        String where = file + " line " + lineNo;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(where + ": invalid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new DatasetFormatException(where + ": expected a JSON object, found " + node.getNodeType());
        }
        JsonNode input = obj.get("input");
        if (input == null || !input.isTextual()) {
            throw new DatasetFormatException(where + ": field 'input' must be a string, found "
                    + (input == null ? "nothing" : input.getNodeType()));
        }
        List<String> refs = new ArrayList<>();
        if (obj.has("reference") && obj.has("references")) {
            throw new DatasetFormatException(where + ": give either 'reference' or 'references', not both");
        }
        if (obj.has("reference")) {
            JsonNode r = obj.get("reference");
            if (!r.isTextual()) {
                throw new DatasetFormatException(where + ": field 'reference' must be a string, found " + r.getNodeType());
            }
            refs.add(r.asText());
        } else if (obj.has("references")) {
            JsonNode rs = obj.get("references");
            if (!rs.isArray()) {
                throw new DatasetFormatException(where + ": field 'references' must be an array of strings, found " + rs.getNodeType());
            }
            for (int k = 0; k < rs.size(); k++) {
                if (!rs.get(k).isTextual()) {
                    throw new DatasetFormatException(where + ": references[" + k + "] must be a string, found " + rs.get(k).getNodeType());
                }
                refs.add(rs.get(k).asText());
            }
        }
        JsonNode ctx = obj.get("context");
        if (ctx != null && !ctx.isTextual() && !ctx.isNull()) {
            throw new DatasetFormatException(where + ": field 'context' must be a string, found " + ctx.getNodeType());
        }
        JsonNode idNode = obj.get("id");
        if (idNode != null && !idNode.isTextual() && !idNode.isIntegralNumber()) {
            throw new DatasetFormatException(where + ": field 'id' must be a string or an integer, found " + idNode.getNodeType());
        }
        String id = idNode == null ? String.valueOf(lineNo) : idNode.asText();
        Map<String, Object> metadata = new LinkedHashMap<>();
        obj.properties().forEach(e -> {
            if (!Set.of("input", "reference", "references", "context", "id").contains(e.getKey())) {
                metadata.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
            }
        });
        metadata.values().removeIf(java.util.Objects::isNull);
        return new Example(id, input.asText(), refs, ctx == null || ctx.isNull() ? null : ctx.asText(), metadata);
    }

    /** Lower-case hex SHA-256 of bytes: the content hash recorded for datasets and prompt templates. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
