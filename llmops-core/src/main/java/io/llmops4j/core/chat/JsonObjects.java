package io.llmops4j.core.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.llmops4j.core.InvalidRequestException;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * JSON objects as chat messages and chat templates carry them (the arguments of a
 * {@link io.llmops4j.core.ToolCall}, the tool definitions given to {@link ChatTemplate#render}): read from JSON text
 * as Python's {@code json.loads} reads it, or copied from a map, into an immutable, insertion-ordered map of plain
 * data, so that a template sees what Hugging Face's {@code apply_chat_template} sees for the same Python dict.
 *
 * <p>Values are maps with string keys, lists, strings, integers ({@link Long}, or {@link BigInteger} when larger),
 * floats ({@link Double}; JSON's {@code 1.0} stays a float, as in Python), booleans and null, nested at most
 * {@value #MAX_DEPTH} deep. Every problem is an {@link InvalidRequestException} that names the value (for example
 * {@code tool call 'get_weather' arguments.city}) and says what was found.
 */
public final class JsonObjects {

    /** Maximum nesting of maps and lists inside one object (the object itself is level 1). */
    public static final int MAX_DEPTH = 100;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // NaN, Infinity, -Infinity: json.loads takes them
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 2) // a backstop: readObject and readValue refuse MAX_DEPTH + 1
                    .maxNumberLength(4300)          // Python's int max_str_digits
                    .build())
            .build();

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;]*; line: (\\d+), column: (\\d+)]");

    private JsonObjects() {
    }

    /**
     * Reads the JSON text of one object.
     *
     * @param json the text, e.g. {@code {"city": "Paris"}}; whitespace around it is allowed, anything else is not
     * @param what what the text is, for error messages (e.g. {@code tool call 'get_weather' arguments})
     * @throws InvalidRequestException if the text is not valid JSON, is not an object, or nests too deeply
     */
    public static Map<String, Object> parse(String json, String what) {
        Objects.requireNonNull(json, what);
        try (JsonParser parser = JSON.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new InvalidRequestException(what + " must be a JSON object, found empty text");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidRequestException(what + " must be a JSON object, found " + kind(first)
                        + " (" + abbreviate(json) + ")");
            }
            Map<String, Object> object = readObject(parser, what, 1);
            if (parser.nextToken() != null) {
                throw new InvalidRequestException(what + " is not valid JSON: text follows the object at "
                        + where(parser.currentTokenLocation()));
            }
            return object;
        } catch (JsonProcessingException e) {
            // Jackson's message may name a location as "[Source: REDACTED (...); line: 1, column: 1]"
            String problem = SOURCE.matcher(e.getOriginalMessage()).replaceAll("line $1, column $2");
            throw new InvalidRequestException(what + " is not valid JSON: " + problem + " at " + where(e.getLocation()));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /** One JSON value read from the front of a longer text, and the index of the first character after it. */
    record Leading(Object value, int end) {
    }

    /**
     * Reads the one JSON value (object, array, string, number, literal) that starts at {@code text[from]} after
     * optional whitespace, ignoring what follows it: how a model's reply that mixes JSON with other text is taken
     * apart.
     *
     * @throws InvalidRequestException if no complete, valid JSON value starts there
     */
    static Leading readLeading(String text, int from, String what) {
        // the parser sees only the rest of the text; its offsets count from its start
        try (JsonParser parser = JSON.createParser(text.substring(from))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new InvalidRequestException(what + " must be JSON, found empty text");
            }
            Object value = first == JsonToken.START_OBJECT ? readObject(parser, what, 1) : readValue(parser, what, 0);
            long end = parser.currentLocation().getCharOffset();
            return new Leading(value, from + (int) end);
        } catch (JsonProcessingException e) {
            String problem = SOURCE.matcher(e.getOriginalMessage()).replaceAll("line $1, column $2");
            throw new InvalidRequestException(what + " is not valid JSON: " + problem + " at " + where(e.getLocation()));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /**
     * Copies a map of plain data (see the class description; {@code Integer}, {@code Short} and {@code Byte} become
     * {@code Long}, {@code Float} and {@code BigDecimal} become {@code Double}, other {@code CharSequence}s strings).
     *
     * @throws InvalidRequestException if a key is not a string, a value is not plain data, or it nests too deeply
     */
    public static Map<String, Object> copy(Map<?, ?> map, String what) {
        Objects.requireNonNull(map, what);
        return copyObject(map, what, 1);
    }

    // ---------------------------------------------------------------- reading

    private static Map<String, Object> readObject(JsonParser parser, String what, int depth) throws IOException {
        checkDepth(what, depth);
        Map<String, Object> object = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            parser.nextToken();
            // a repeated key keeps its first position and takes the last value, as a Python dict built by json.loads
            object.put(key, readValue(parser, what, depth));
        }
        return Collections.unmodifiableMap(object);
    }

    private static Object readValue(JsonParser parser, String what, int depth) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> readObject(parser, what, depth + 1);
            case START_ARRAY -> {
                checkDepth(what, depth + 1);
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(readValue(parser, what, depth + 1));
                }
                yield Collections.unmodifiableList(list);
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT, LONG -> parser.getLongValue();
                default -> parser.getBigIntegerValue();
            };
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("unexpected JSON token " + parser.currentToken());
        };
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a JSON array";
            case VALUE_STRING -> "a JSON string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
            case VALUE_NULL -> "JSON null";
            default -> "JSON " + token;
        };
    }

    private static String where(JsonLocation location) {
        return location == null ? "an unknown position"
                : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String abbreviate(String text) {
        String t = text.strip();
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }

    // ---------------------------------------------------------------- copying

    private static Map<String, Object> copyObject(Map<?, ?> map, String path, int depth) {
        checkDepth(path, depth);
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(k instanceof String key)) {
                throw new InvalidRequestException(path + " has a key that is not a string: "
                        + (k == null ? "null" : k + " (a " + k.getClass().getName() + ")"));
            }
            copy.put(key, copyValue(v, path + "." + key, depth));
        });
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, String path, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof CharSequence s) {
            return s.toString();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            return copyObject(map, path, depth + 1);
        }
        if (value instanceof Collection<?> items) {
            checkDepth(path, depth + 1);
            List<Object> copy = new ArrayList<>(items.size());
            int i = 0;
            for (Object item : items) {
                copy.add(copyValue(item, path + "[" + i++ + "]", depth + 1));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new InvalidRequestException(path + " is a " + value.getClass().getName()
                + "; a JSON value must be a map with string keys, a list, a string, a number, a boolean or null");
    }

    private static void checkDepth(String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidRequestException(path + " nests maps and lists more than " + MAX_DEPTH + " deep");
        }
    }
}
