package io.llmops4j.core.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.safetensors.SafetensorsFile;
import io.llmops4j.core.safetensors.TensorInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * sentence-transformers' {@code Dense} module: {@code y = activation(W x + b)} on the pooled sentence vector, with
 * {@code W} of shape [out_features, in_features] ({@code linear.weight}) and {@code b} of shape [out_features]
 * ({@code linear.bias}, only when {@code bias} is true), read from the module directory's {@code config.json} and
 * {@code model.safetensors}. Immutable; sums run in double.
 */
final class DenseLayer {
    static final String CONFIG_FILE = "config.json";
    static final String WEIGHTS_FILE = "model.safetensors";
    static final String PICKLE_WEIGHTS_FILE = "pytorch_model.bin";
    static final String WEIGHT = "linear.weight";
    static final String BIAS = "linear.bias";

    private static final String IN_FEATURES = "in_features";
    private static final String OUT_FEATURES = "out_features";
    private static final String HAS_BIAS = "bias";
    private static final String ACTIVATION = "activation_function";
    private static final String INPUT_NAME = "module_input_name";
    private static final String OUTPUT_NAME = "module_output_name";
    private static final String SENTENCE_EMBEDDING = "sentence_embedding";

    /**
     * The activations this embedder applies, by the names sentence-transformers saves ({@code torch.nn} classes
     * without parameters, written as their defining module plus class name).
     */
    enum Activation {
        IDENTITY("linear", "Identity"),
        TANH("activation", "Tanh"),
        RELU("activation", "ReLU"),
        SIGMOID("activation", "Sigmoid");

        private final String module;
        private final String className;

        Activation(String module, String className) {
            this.module = module;
            this.className = className;
        }

        /** The name sentence-transformers writes, e.g. {@code torch.nn.modules.activation.Tanh}. */
        String configName() {
            return "torch.nn.modules." + module + "." + className;
        }

        double apply(double x) {
            return switch (this) {
                case IDENTITY -> x;
                case TANH -> Math.tanh(x);
                case RELU -> Math.max(0, x);
                case SIGMOID -> 1 / (1 + Math.exp(-x));
            };
        }

        /** The activation {@code name} imports as: its full module path or the {@code torch.nn} re-export. */
        static Activation byName(String name) {
            for (Activation a : values()) {
                if (name.equals(a.configName()) || name.equals("torch.nn." + a.className)) {
                    return a;
                }
            }
            return null;
        }
    }

    private final int inFeatures;
    private final int outFeatures;
    private final float[] weight; // [out][in], row-major
    private final float[] bias; // null without bias
    private final Activation activation;
    private final String source;
    private final byte[] digest;

    private DenseLayer(int inFeatures, int outFeatures, float[] weight, float[] bias, Activation activation,
                       String source, byte[] digest) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = weight;
        this.bias = bias;
        this.activation = activation;
        this.source = source;
        this.digest = digest;
    }

    /**
     * Reads the Dense module in {@code dir}. Its config fields are read the way sentence-transformers'
     * {@code Dense(**config)} takes them: {@code bias} defaults to true, {@code activation_function} to Tanh
     * (null meaning Identity), and a field Dense does not take is rejected.
     *
     * @throws ModelFormatException if a file is missing or malformed, the activation is not one of
     *     {@link Activation}, the weights are only in {@code pytorch_model.bin}, or a tensor is missing, unexpected
     *     or of the wrong shape; the message names the file, the field or tensor, and what was expected and found
     */
    static DenseLayer read(Path dir) {
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(configFile + ": not found (the Dense module's settings)");
        }
        JsonNode config = SentenceTransformersConfig.parse(configFile);
        if (!config.isObject()) {
            throw new ModelFormatException(configFile + ": expected a JSON object, found "
                    + SentenceTransformersConfig.kind(config));
        }
        Integer in = null;
        Integer out = null;
        boolean hasBias = true;
        Activation activation = Activation.TANH;
        for (Map.Entry<String, JsonNode> field : config.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case IN_FEATURES -> in = positive(configFile, name, value);
                case OUT_FEATURES -> out = positive(configFile, name, value);
                case HAS_BIAS -> hasBias = SentenceTransformersConfig.bool(configFile, name, value);
                case ACTIVATION -> activation = activation(configFile, value);
                case INPUT_NAME, OUTPUT_NAME -> {
                    // sentence-transformers 5 can point a Dense module at the token vectors instead
                    if (!value.isNull() && !(value.isTextual() && value.asText().equals(SENTENCE_EMBEDDING))) {
                        throw new ModelFormatException(configFile + ": field '" + name + "': expected '"
                                + SENTENCE_EMBEDDING + "' (this embedder applies Dense to the pooled vector only), "
                                + "found " + value);
                    }
                }
                default -> throw new ModelFormatException(configFile + ": unknown field '" + name + "': expected "
                        + "only " + List.of(IN_FEATURES, OUT_FEATURES, HAS_BIAS, ACTIVATION, INPUT_NAME, OUTPUT_NAME)
                        + ", found " + value);
            }
        }
        if (in == null || out == null) {
            throw new ModelFormatException(configFile + ": field '" + (in == null ? IN_FEATURES : OUT_FEATURES)
                    + "': expected a positive integer, found no such field");
        }
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) {
            if (Files.isRegularFile(dir.resolve(PICKLE_WEIGHTS_FILE))) {
                throw new ModelFormatException(weightsFile + ": not found, only " + PICKLE_WEIGHTS_FILE
                        + " (a Python pickle, which this embedder does not read): the Dense weights are needed as "
                        + "safetensors; re-save the model with a recent sentence-transformers, which writes "
                        + WEIGHTS_FILE);
            }
            throw new ModelFormatException(weightsFile + ": not found (the Dense module's weights)");
        }
        float[] weight;
        float[] bias = null;
        try (SafetensorsFile weights = SafetensorsFile.open(weightsFile)) {
            Set<String> expected = new LinkedHashSet<>(hasBias ? List.of(WEIGHT, BIAS) : List.of(WEIGHT));
            for (String name : weights.tensors().keySet()) {
                if (!expected.contains(name)) {
                    throw new ModelFormatException(weightsFile + ": unexpected tensor '" + name + "': expected only "
                            + expected + " (" + configFile.getFileName() + " says bias: " + hasBias + ")");
                }
            }
            weight = read(weights, WEIGHT, new long[] {out, in}, configFile);
            if (hasBias) {
                bias = read(weights, BIAS, new long[] {out}, configFile);
            }
        }
        return new DenseLayer(in, out, weight, bias, activation, dir.toString(), digest(configFile, weightsFile));
    }

    private static float[] read(SafetensorsFile weights, String name, long[] expected, Path configFile) {
        if (!weights.tensors().containsKey(name)) {
            throw new ModelFormatException(weights.file() + ": tensor '" + name + "' of shape "
                    + Arrays.toString(expected) + " not found (found " + weights.tensors().keySet() + ")");
        }
        TensorInfo info = weights.info(name);
        if (!Arrays.equals(info.shape(), expected)) {
            throw new ModelFormatException(weights.file() + ": tensor '" + name + "': expected shape "
                    + Arrays.toString(expected) + " ([out_features, in_features] of " + configFile
                    + "), found " + Arrays.toString(info.shape()));
        }
        return weights.readFloats(name);
    }

    private static int positive(Path file, String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            throw new ModelFormatException(file + ": field '" + field + "': expected a positive integer, found "
                    + value);
        }
        return value.asInt();
    }

    private static Activation activation(Path file, JsonNode value) {
        if (value.isNull()) {
            return Activation.IDENTITY;
        }
        Activation activation = value.isTextual() ? Activation.byName(value.asText()) : null;
        if (activation == null) {
            List<String> known = new ArrayList<>();
            for (Activation a : Activation.values()) {
                known.add(a.configName());
            }
            throw new ModelFormatException(file + ": field '" + ACTIVATION + "': expected one of " + known
                    + " (the activations this embedder applies), found " + value);
        }
        return activation;
    }

    /** SHA-256 of the config and the weights, for the embedder id. */
    private static byte[] digest(Path... files) {
        MessageDigest digest = OnnxEmbedder.Builder.sha256();
        for (Path file : files) {
            OnnxEmbedder.Builder.update(digest, file);
        }
        return digest.digest();
    }

    /** {@code activation(W x + b)}; {@code x} has {@link #inFeatures()} elements. */
    double[] apply(double[] x) {
        double[] y = new double[outFeatures];
        for (int o = 0; o < outFeatures; o++) {
            double sum = bias == null ? 0 : bias[o];
            int row = o * inFeatures;
            for (int i = 0; i < inFeatures; i++) {
                sum += weight[row + i] * x[i];
            }
            y[o] = activation.apply(sum);
        }
        return y;
    }

    int inFeatures() {
        return inFeatures;
    }

    int outFeatures() {
        return outFeatures;
    }

    /** The module directory, for messages. */
    String source() {
        return source;
    }

    /** SHA-256 of the module's config and weights files. */
    byte[] digest() {
        return digest.clone();
    }
}
