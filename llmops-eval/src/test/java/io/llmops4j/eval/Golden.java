package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the golden files produced by {@code src/test/python/make_golden.py} (see its header for where every
 * value comes from) and compares doubles with the 1e-12 relative tolerance.
 */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    public static List<String> lines(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource golden/" + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    out.add(line);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonNode> jsonl(String name) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines(name)) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    public static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    public static List<List<String>> streams(JsonNode array) {
        List<List<String>> out = new ArrayList<>();
        array.forEach(n -> out.add(strings(n)));
        return out;
    }

    /** |actual - expected| <= 1e-12 |expected| (exact when expected is 0). */
    public static void assertClose(double expected, double actual, String what) {
        assertThat(Math.abs(actual - expected)).as(what + ": expected " + expected + " but was " + actual)
                .isLessThanOrEqualTo(1e-12 * Math.abs(expected));
    }
}
