package io.llmops4j.bench.rag;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.IntStream;

/**
 * The synthetic embedding-like ANN dataset of {@code ../shared/bench/ANN_DATASET.md}, generated bit-exactly: every
 * operation is an IEEE double {@code + - * / sqrt} in the order the spec writes it (Java never contracts to FMA).
 * With the defaults it reproduces the published sha256 of {@code base.f32} and {@code queries.f32}.
 *
 * <p>Run {@code java -cp benchmarks.jar io.llmops4j.bench.rag.AnnDataset <dir>} to write the files plus the exact
 * ground truth ({@code gt.i32}, {@code gt_scores.f32}) and print the digests.
 */
public final class AnnDataset {
    public static final String BASE_SHA256 = "abdbedb94fbf23b8bba4502e3ede0ad9cf56a34bd9db50ca155b44fe9ea8e482";
    public static final String QUERIES_SHA256 = "376b800c8652fdc4263eb29d9289881054724e216095e223072b032649488e3c";
    public static final int GT_K = 100;

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    final int n;
    final int q;
    final int d;
    final int c;
    final int r;
    final long seed;
    final double spreadLo;
    final double spreadHi;
    final double iso;

    private final double[][] centroid;
    private final double[][] basis;
    private final double[] spread;
    private final double isoS;

    /** The defaults of the spec: N=100,000, Q=1,000, D=384, C=1,000, R=32, seed 42, spread 0.6..1.2, iso 0.3. */
    public AnnDataset() {
        this(100_000, 1_000, 384, 1_000, 32, 42, 0.6, 1.2, 0.3);
    }

    public AnnDataset(int n, int q, int d, int c, int r, long seed, double spreadLo, double spreadHi, double iso) {
        this.n = n;
        this.q = q;
        this.d = d;
        this.c = c;
        this.r = r;
        this.seed = seed;
        this.spreadLo = spreadLo;
        this.spreadHi = spreadHi;
        this.iso = iso;
        centroid = new double[c][d];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < d; j++) {
                centroid[k][j] = g(1, (long) k * d + j);
            }
            normalize(centroid[k]);
        }
        basis = new double[r][d];
        double sqrtD = Math.sqrt(d);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < d; j++) {
                basis[i][j] = g(2, (long) i * d + j) / sqrtD;
            }
        }
        spread = new double[c];
        double sqrtR = Math.sqrt(r);
        for (int k = 0; k < c; k++) {
            spread[k] = (spreadLo + (spreadHi - spreadLo) * u(3, k)) / sqrtR;
        }
        isoS = iso / sqrtD;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private long start(int stream) {
        return mix64(seed * GAMMA + stream);
    }

    /** k-th uniform double in [0, 1) of a stream. */
    double u(int stream, long k) {
        long raw = mix64(start(stream) + (k + 1) * GAMMA);
        return (raw >>> 11) * 0x1.0p-53;
    }

    /** i-th Irwin-Hall(4) normal deviate of a stream. */
    double g(int stream, long i) {
        return ((((u(stream, 4 * i) + u(stream, 4 * i + 1)) + u(stream, 4 * i + 2)) + u(stream, 4 * i + 3)) - 2.0)
                * Math.sqrt(3.0);
    }

    static void normalize(double[] x) {
        double n2 = 0;
        for (double v : x) {
            n2 = n2 + v * v;
        }
        double norm = Math.sqrt(n2);
        for (int j = 0; j < x.length; j++) {
            x[j] = x[j] / norm;
        }
    }

    /** Point {@code i} of the base set (streams 4, 5, 6) or the query set (streams 7, 8, 9). */
    float[] point(boolean query, int i) {
        int sCluster = query ? 7 : 4;
        int sLatent = query ? 8 : 5;
        int sIso = query ? 9 : 6;
        double uu = u(sCluster, i);
        int k = (int) Math.min(Math.floor((uu * uu) * c), c - 1);
        double[] z = new double[r];
        for (int j = 0; j < r; j++) {
            z[j] = g(sLatent, (long) i * r + j);
        }
        double[] acc = new double[d];
        for (int rr = 0; rr < r; rr++) {
            for (int j = 0; j < d; j++) {
                acc[j] = acc[j] + z[rr] * basis[rr][j];
            }
        }
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = (centroid[k][j] + spread[k] * acc[j]) + isoS * g(sIso, (long) i * d + j);
        }
        normalize(x);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = (float) x[j];
        }
        return out;
    }

    /** All base vectors, generated in parallel (each point depends only on its index). */
    public float[][] base() {
        float[][] out = new float[n][];
        IntStream.range(0, n).parallel().forEach(i -> out[i] = point(false, i));
        return out;
    }

    public float[][] queries() {
        float[][] out = new float[q][];
        IntStream.range(0, q).parallel().forEach(i -> out[i] = point(true, i));
        return out;
    }

    /** Exact top-k ids and scores by inner product, ties broken by the smaller id. */
    public static int[][] groundTruth(float[][] base, float[][] queries, int k, float[][] scoresOut) {
        int[][] ids = new int[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(qi -> {
            float[] qv = queries[qi];
            int[] top = new int[k];
            float[] topS = new float[k];
            int size = 0;
            for (int i = 0; i < base.length; i++) {
                float s = dot(qv, base[i]);
                if (size < k || s > topS[size - 1]) {
                    int pos = size < k ? size : k - 1;
                    while (pos > 0 && topS[pos - 1] < s) {
                        topS[pos] = topS[pos - 1];
                        top[pos] = top[pos - 1];
                        pos--;
                    }
                    topS[pos] = s;
                    top[pos] = i;
                    size = Math.min(k, size + 1);
                }
            }
            ids[qi] = top;
            scoresOut[qi] = topS;
        });
        return ids;
    }

    /** Single-precision dot product accumulated in float, left to right (what the index compares against). */
    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** Writes the vectors as little-endian float32 and returns the sha256 of the bytes written. */
    static String write(Path file, float[][] rows) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
            ByteBuffer buf = ByteBuffer.allocate(rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : rows) {
                buf.clear();
                for (float v : row) {
                    buf.putFloat(v);
                }
                out.write(buf.array(), 0, buf.position());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void writeInts(Path file, int[][] rows) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] row : rows) {
            for (int v : row) {
                buf.putInt(v);
            }
        }
        buf.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /** Reads an {@code rows x dim} little-endian float32 file. */
    static float[][] read(Path file, int dim) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int rows = buf.remaining() / (4 * dim);
        float[][] out = new float[rows][dim];
        for (float[] row : out) {
            for (int j = 0; j < dim; j++) {
                row[j] = buf.getFloat();
            }
        }
        return out;
    }

    /** Loaded (or freshly generated and written) dataset files in {@code dir}. */
    record Files4(float[][] base, float[][] queries, int[][] gt) {
    }

    /** Reads the dataset from {@code dir}, generating and verifying it first when absent. */
    static Files4 load(Path dir) throws IOException {
        AnnDataset spec = new AnnDataset();
        Path base = dir.resolve("base.f32");
        Path queries = dir.resolve("queries.f32");
        Path gt = dir.resolve("gt.i32");
        if (!Files.exists(base) || !Files.exists(queries) || !Files.exists(gt)) {
            generate(dir);
        }
        float[][] b = read(base, spec.d);
        float[][] qs = read(queries, spec.d);
        ByteBuffer gtBuf = ByteBuffer.wrap(Files.readAllBytes(gt)).order(ByteOrder.LITTLE_ENDIAN);
        int[][] ids = new int[qs.length][GT_K];
        for (int[] row : ids) {
            for (int j = 0; j < GT_K; j++) {
                row[j] = gtBuf.getInt();
            }
        }
        return new Files4(b, qs, ids);
    }

    /** Generates all four files in {@code dir}; throws if a digest differs from the spec. */
    static void generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        AnnDataset spec = new AnnDataset();
        long t0 = System.nanoTime();
        float[][] base = spec.base();
        float[][] queries = spec.queries();
        String baseSha = write(dir.resolve("base.f32"), base);
        String querySha = write(dir.resolve("queries.f32"), queries);
        System.out.printf("generated in %.1f s%nbase.f32    %s %s%nqueries.f32 %s %s%n", (System.nanoTime() - t0) / 1e9,
                baseSha, baseSha.equals(BASE_SHA256) ? "OK" : "MISMATCH", querySha,
                querySha.equals(QUERIES_SHA256) ? "OK" : "MISMATCH");
        if (!baseSha.equals(BASE_SHA256) || !querySha.equals(QUERIES_SHA256)) {
            throw new IllegalStateException("dataset digests differ from ANN_DATASET.md: base " + baseSha + ", queries "
                    + querySha);
        }
        t0 = System.nanoTime();
        float[][] scores = new float[queries.length][];
        int[][] gt = groundTruth(base, queries, GT_K, scores);
        writeInts(dir.resolve("gt.i32"), gt);
        write(dir.resolve("gt_scores.f32"), scores);
        System.out.printf("ground truth (exact top-%d by inner product) in %.1f s%n", GT_K, (System.nanoTime() - t0) / 1e9);
    }

    public static void main(String[] args) throws IOException {
        generate(Path.of(args.length > 0 ? args[0] : "target/ann-dataset"));
    }
}
