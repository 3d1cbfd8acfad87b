package io.llmops4j.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.core.ModelFormatException;
import java.util.Locale;

/**
 * Rotary position embedding settings, read from either the older top-level {@code rope_theta} /
 * {@code rope_scaling} keys or the newer {@code rope_parameters} object, and the inverse frequencies they imply
 * (the same formulas as transformers' {@code modeling_rope_utils}).
 *
 * @param type                  {@code default}, {@code linear}, {@code dynamic} or {@code llama3}
 * @param theta                 base of the geometric frequency ladder
 * @param dim                   number of rotated channels per head (the head width)
 * @param factor                scaling factor (1 for default)
 * @param lowFreqFactor         llama3 only
 * @param highFreqFactor        llama3 only
 * @param originalMaxPositions  context the frequencies were trained for (dynamic, llama3)
 */
public record RopeConfig(String type, double theta, int dim, double factor, double lowFreqFactor,
                         double highFreqFactor, int originalMaxPositions) {

    static RopeConfig parse(ModelConfig.Fields f, int headDim, int maxPositions) {
        JsonNode params = f.node("rope_parameters");
        JsonNode scaling = f.node("rope_scaling");
        double theta;
        JsonNode s;
        String where;
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw f.error("rope_parameters", "an object", params);
            }
            s = params;
            where = "rope_parameters";
            theta = number(f, s, where, "rope_theta", 10000.0);
        } else {
            theta = f.positiveDouble("rope_theta", 10000.0);
            s = scaling == null || scaling.isNull() ? null : scaling;
            where = "rope_scaling";
            if (s != null && !s.isObject()) {
                throw f.error("rope_scaling", "an object or null", s);
            }
        }
        if (s == null) {
            return new RopeConfig("default", theta, headDim, 1.0, 0, 0, maxPositions);
        }
        JsonNode typeNode = s.has("rope_type") ? s.get("rope_type") : s.get("type");
        String type = typeNode == null || typeNode.isNull() ? "default" : typeNode.asText().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "default" -> new RopeConfig("default", theta, headDim, 1.0, 0, 0, maxPositions);
            case "linear", "dynamic" -> new RopeConfig(type, theta, headDim, factor(f, s, where), 0, 0,
                    (int) number(f, s, where, "original_max_position_embeddings", (double) maxPositions));
            case "llama3" -> new RopeConfig(type, theta, headDim, factor(f, s, where),
                    number(f, s, where, "low_freq_factor", null), number(f, s, where, "high_freq_factor", null),
                    (int) number(f, s, where, "original_max_position_embeddings", null));
            default -> throw new ModelFormatException(f.source + ": " + where + ".rope_type '" + type
                    + "' is not supported; supported: [default, linear, dynamic, llama3]");
        };
    }

    private static double factor(ModelConfig.Fields f, JsonNode s, String where) {
        double factor = number(f, s, where, "factor", null);
        if (factor < 1.0) {
            throw new ModelFormatException(f.source + ": " + where + ".factor must be >= 1, found " + factor);
        }
        return factor;
    }

    private static double number(ModelConfig.Fields f, JsonNode s, String where, String key, Double defaultValue) {
        JsonNode n = s.get(key);
        if (n == null || n.isNull()) {
            if (defaultValue == null) {
                throw new ModelFormatException(f.source + ": " + where + "." + key + " is required for this rope_type");
            }
            return defaultValue;
        }
        if (!n.isNumber() || !(n.asDouble() > 0)) {
            throw new ModelFormatException(f.source + ": " + where + "." + key + " must be a positive number, found " + n);
        }
        return n.asDouble();
    }

    /**
     * Inverse frequencies for a forward pass whose largest position is {@code seqLen - 1}. Only the dynamic
     * NTK type depends on {@code seqLen}: past the original context it raises the base as transformers does.
     */
    public float[] inverseFrequencies(int seqLen) {
        int half = dim / 2;
        double base = theta;
        if (type.equals("dynamic") && seqLen > originalMaxPositions) {
            base = theta * Math.pow(factor * seqLen / originalMaxPositions - (factor - 1), dim / (dim - 2.0));
        }
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // transformers computes base ** (arange(0, dim, 2) / dim) in float32
            float exponent = (float) (2 * i) / dim;
            float freq = (float) (1.0 / (float) Math.pow((float) base, exponent));
            inv[i] = switch (type) {
                case "linear" -> (float) (freq / factor);
                case "llama3" -> llama3(freq);
                default -> freq;
            };
        }
        return inv;
    }

    /** Llama 3.1: long wavelengths slowed by {@code factor}, short ones kept, a smooth ramp in between. */
    private float llama3(float freq) {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        double wavelen = 2 * Math.PI / freq;
        if (wavelen > lowFreqWavelen) {
            return (float) (freq / factor);
        }
        if (wavelen < highFreqWavelen) {
            return freq;
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (float) ((1 - smooth) * freq / factor + smooth * freq);
    }

    /** Whether the frequencies change with the sequence length (so cos/sin tables cannot be cached once). */
    public boolean dependsOnLength() {
        return type.equals("dynamic");
    }
}
