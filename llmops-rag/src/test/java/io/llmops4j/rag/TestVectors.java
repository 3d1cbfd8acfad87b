package io.llmops4j.rag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/** Random clustered unit vectors and an exact brute-force top-k, independent of Lucene. */
final class TestVectors {
    private TestVectors() {
    }

    static float[][] clustered(int n, int dim, int clusters, long seed) {
        Random rnd = new Random(seed);
        double[][] centers = new double[clusters][dim];
        for (double[] c : centers) {
            for (int j = 0; j < dim; j++) {
                c[j] = rnd.nextGaussian();
            }
        }
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            double[] c = centers[rnd.nextInt(clusters)];
            double[] x = new double[dim];
            for (int j = 0; j < dim; j++) {
                x[j] = c[j] + 0.6 * rnd.nextGaussian();
            }
            out[i] = unit(x);
        }
        return out;
    }

    static float[] unit(double[] x) {
        double n2 = 0;
        for (double v : x) {
            n2 += v * v;
        }
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) (x[j] / Math.sqrt(n2));
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    /** Indexes of the k vectors with the largest dot product with q among those accepted. */
    static List<Integer> exactTopK(float[][] base, float[] q, int k, IntPredicate accept) {
        return IntStream.range(0, base.length).filter(accept).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -dot(base[i], q)))
                .limit(k).collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
    }
}
