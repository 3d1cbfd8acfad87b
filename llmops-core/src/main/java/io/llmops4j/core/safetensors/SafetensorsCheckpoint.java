package io.llmops4j.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All weights of a Hugging Face checkpoint directory: either one {@code model.safetensors} or the shards
 * listed by {@code model.safetensors.index.json} (preferring the single file when both exist, as
 * transformers does). Every shard is opened and validated up front, and every tensor the index's
 * {@code weight_map} names must exist in its shard.
 *
 * <p>Closing twice is harmless.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    /** Name of a single-file checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** Name of the index of a sharded checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;

    private SafetensorsCheckpoint(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.dir = dir;
        this.files = files;
        this.byTensor = byTensor;
    }

    /**
     * Opens the checkpoint in {@code dir}.
     *
     * @throws ModelFormatException if neither file exists, the index is malformed, a shard is missing or
     *                              invalid, or the index names a tensor its shard does not contain
     */
    public static SafetensorsCheckpoint open(Path dir) {
        Path single = dir.resolve(SINGLE_FILE);
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            f.tensors().keySet().forEach(n -> byTensor.put(n, f));
            return new SafetensorsCheckpoint(dir, List.of(f), Collections.unmodifiableMap(byTensor));
        }
        if (!Files.isRegularFile(index)) {
            throw new ModelFormatException("checkpoint " + dir + " has neither " + SINGLE_FILE + " nor " + INDEX_FILE);
        }
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, List<String>> tensorsByShard = new LinkedHashMap<>();
        weightMap.forEach((tensor, shard) -> tensorsByShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(tensor));
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<String>> e : tensorsByShard.entrySet()) {
                Path shardPath = dir.resolve(e.getKey());
                if (!Files.isRegularFile(shardPath)) {
                    throw new ModelFormatException(index + ": shard '" + e.getKey() + "' does not exist in " + dir
                            + " (it should hold " + describe(e.getValue()) + ")");
                }
                SafetensorsFile f = SafetensorsFile.open(shardPath);
                opened.put(e.getKey(), f);
                for (String tensor : e.getValue()) {
                    if (!f.tensors().containsKey(tensor)) {
                        throw new ModelFormatException(index + ": weight_map puts tensor '" + tensor + "' in "
                                + shardPath + ", but that shard has no such tensor");
                    }
                }
            }
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        weightMap.forEach((tensor, shard) -> byTensor.put(tensor, opened.get(shard)));
        return new SafetensorsCheckpoint(dir, List.copyOf(opened.values()), Collections.unmodifiableMap(byTensor));
    }

    private static String describe(List<String> tensors) {
        return tensors.size() <= 3 ? "tensors " + tensors
                : tensors.size() + " tensors, e.g. " + tensors.subList(0, 3);
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(index + ": not well-formed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(index + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new ModelFormatException(index + ": expected an object \"weight_map\" mapping tensor names to shard files, found "
                    + wm);
        }
        Path base = index.toAbsolutePath().getParent().normalize();
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : wm.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() || v.textValue().isEmpty()) {
                throw new ModelFormatException(index + ": weight_map entry '" + e.getKey()
                        + "' must be a shard file name, found " + v);
            }
            Path resolved = base.resolve(v.textValue()).normalize();
            if (!resolved.getParent().equals(base)) {
                throw new ModelFormatException(index + ": weight_map entry '" + e.getKey() + "' names shard '"
                        + v.textValue() + "', expected a file name inside " + base);
            }
            out.put(e.getKey(), v.textValue());
        }
        return out;
    }

    /** The checkpoint directory. */
    public Path dir() {
        return dir;
    }

    /** All tensor names, in file (or index) order. Unmodifiable. */
    public Set<String> names() {
        return byTensor.keySet();
    }

    /** Whether the checkpoint has tensor {@code name}. */
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    /**
     * The layout of tensor {@code name}.
     *
     * @throws ModelFormatException if the checkpoint has no such tensor
     */
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /** Tensor {@code name} converted to float; see {@link SafetensorsFile#readFloats(String)}. */
    public float[] readFloats(String name) {
        return file(name).readFloats(name);
    }

    /** Tensor {@code name} converted to float into {@code dest}; see {@link SafetensorsFile#readFloats(String, FloatBuffer)}. */
    public void readFloats(String name, FloatBuffer dest) {
        file(name).readFloats(name, dest);
    }

    /** A piece of tensor {@code name} converted to float; see {@link SafetensorsFile#readFloats(String, long, FloatBuffer)}. */
    public void readFloats(String name, long from, FloatBuffer dest) {
        file(name).readFloats(name, from, dest);
    }

    /** The raw bytes of tensor {@code name}; see {@link SafetensorsFile#slice(String)}. */
    public ByteBuffer slice(String name) {
        return file(name).slice(name);
    }

    /**
     * Checks that tensor {@code name} exists and has exactly the shape {@code expected}.
     *
     * @throws ModelFormatException naming the file, the tensor and both shapes otherwise
     */
    public void requireShape(String name, long... expected) {
        TensorInfo t = info(name);
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ModelFormatException(t.file() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expected));
        }
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFormatException("checkpoint " + dir + " has no tensor '" + name
                    + "' (needed for the model's architecture; the checkpoint has " + byTensor.size() + " tensors)");
        }
        return f;
    }

    /** Closes every file of the checkpoint. */
    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "SafetensorsCheckpoint[" + dir + ", " + files.size() + " file(s), " + byTensor.size() + " tensors]";
    }
}
