package io.llmops4j.rag.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.rag.Document;
import io.llmops4j.rag.IngestException;
import io.llmops4j.rag.RagConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON Lines, read line by line; a malformed line or one without text is reported and skipped. */
final class JsonlLoader implements DocumentLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String idField;
    private final List<String> textFields;
    private final String titleField;

    JsonlLoader(String idField, List<String> textFields, String titleField) {
        if (idField == null || idField.isEmpty()) {
            throw new RagConfigException("jsonl idField must not be empty");
        }
        if (textFields == null || textFields.isEmpty()) {
            throw new RagConfigException("jsonl textFields must name at least one field");
        }
        this.idField = idField;
        this.textFields = List.copyOf(textFields);
        this.titleField = titleField;
    }

    @Override
    public void load(Path file, Context ctx) {
        int good = 0;
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(TextFiles.strictUtf8(file))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    ctx.problem("line " + lineNo + ": malformed JSON: " + e.getOriginalMessage());
                    continue;
                }
                if (!node.isObject()) {
                    ctx.problem("line " + lineNo + ": expected a JSON object, found " + node.getNodeType());
                    continue;
                }
                List<String> parts = new ArrayList<>();
                for (String f : textFields) {
                    JsonNode v = node.get(f);
                    if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                        parts.add(v.asText());
                    }
                }
                if (parts.isEmpty()) {
                    ctx.problem("line " + lineNo + ": none of the text fields " + textFields + " has text");
                    continue;
                }
                JsonNode id = node.get(idField);
                Map<String, String> meta = new HashMap<>(ctx.metadata());
                meta.put("line", Integer.toString(lineNo));
                JsonNode title = titleField == null ? null : node.get(titleField);
                if (title != null && title.isValueNode() && !title.asText().isBlank()) {
                    meta.put(Document.TITLE, title.asText());
                }
                String docId = id != null && id.isValueNode() && !id.asText().isEmpty() ? id.asText()
                        : ctx.documentId() + ":" + lineNo;
                ctx.accept(new Document(docId, String.join("\n\n", parts), 0, meta));
                good++;
            }
        } catch (IOException e) {
            throw TextFiles.unreadable(file, e);
        }
        if (good == 0) {
            throw new IngestException(file + ": no usable JSONL record in " + lineNo + " lines");
        }
    }
}
