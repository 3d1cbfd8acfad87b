package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code x W^T + b} through the row-block view equals the same product written out with loops in double precision. */
class DenseWeightTest {

    @ParameterizedTest
    @CsvSource({"1, 12, 1", "2, 12, 1", "3, 12, 1", "4, 12, 1", "5, 12, 1", "2, 12, 3", "4, 13, 1"})
    void productEqualsTheLoopReference(int ways, int out, int positions) {
        int in = 7;
        SplittableRandom rnd = new SplittableRandom(ways * 31L + out + positions);
        float[] w = random(rnd, out * in);
        float[] b = random(rnd, out);
        float[] x = random(rnd, positions * in);
        try (NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            DenseWeight dense = new DenseWeight(mgr.create(w, new Shape(out, in)), mgr.create(b, new Shape(out)), ways);
            NDArray y = dense.apply(mgr.create(x, new Shape(1, positions, in)));
            assertThat(y.getShape()).isEqualTo(new Shape(1, positions, out));
            float[] actual = y.toFloatArray();
            for (int p = 0; p < positions; p++) {
                for (int o = 0; o < out; o++) {
                    double expected = b[o];
                    for (int i = 0; i < in; i++) {
                        expected += (double) x[p * in + i] * w[o * in + i];
                    }
                    assertThat((double) actual[p * out + o]).as("ways %d, position %d, output %d", ways, p, o)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
