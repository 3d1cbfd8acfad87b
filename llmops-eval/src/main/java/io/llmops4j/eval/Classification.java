package io.llmops4j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Single-label classification metrics with scikit-learn's definitions: accuracy, per-class precision / recall /
 * F1 with micro, macro and support-weighted averages (a 0/0 ratio counts as 0, sklearn's
 * {@code zero_division=0}), the confusion matrix, and log-loss.
 */
public final class Classification {
    private Classification() {
    }

    /** Precision, recall and F1 of one class or one average. */
    public record Prf(double precision, double recall, double f1) {
    }

    /**
     * Everything about one set of predictions.
     *
     * @param labels the labels in sorted order (the union of true and predicted labels)
     * @param confusion {@code confusion[i][j]} = examples of true label i predicted as label j
     * @param perClass precision / recall / F1 per label, in {@code labels} order
     * @param support number of true examples per label
     * @param accuracy fraction of exact matches
     * @param micro micro average (equals accuracy for single-label data)
     * @param macro unweighted mean over labels
     * @param weighted mean over labels weighted by support
     */
    public record Report(List<String> labels, int[][] confusion, List<Prf> perClass, int[] support, double accuracy,
                         Prf micro, Prf macro, Prf weighted) {
    }

    /** Fraction of positions where the prediction equals the truth. */
    public static double accuracy(List<String> truth, List<String> predicted) {
        check(truth, predicted);
        int ok = 0;
        for (int i = 0; i < truth.size(); i++) {
            ok += truth.get(i).equals(predicted.get(i)) ? 1 : 0;
        }
        return (double) ok / truth.size();
    }

    /** The full report (confusion matrix, per-class and averaged precision / recall / F1). */
    public static Report report(List<String> truth, List<String> predicted) {
        check(truth, predicted);
        TreeSet<String> set = new TreeSet<>(truth);
        set.addAll(predicted);
        List<String> labels = List.copyOf(set);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        int k = labels.size();
        int[][] confusion = new int[k][k];
        for (int i = 0; i < truth.size(); i++) {
            confusion[index.get(truth.get(i))][index.get(predicted.get(i))]++;
        }
        int[] support = new int[k];
        int[] predictedCount = new int[k];
        int correct = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                support[i] += confusion[i][j];
                predictedCount[j] += confusion[i][j];
            }
            correct += confusion[i][i];
        }
        List<Prf> perClass = new ArrayList<>(k);
        double mp = 0;
        double mr = 0;
        double mf = 0;
        double wp = 0;
        double wr = 0;
        double wf = 0;
        for (int i = 0; i < k; i++) {
            double p = ratio(confusion[i][i], predictedCount[i]);
            double r = ratio(confusion[i][i], support[i]);
            double f = p + r == 0 ? 0.0 : 2 * p * r / (p + r);
            perClass.add(new Prf(p, r, f));
            mp += p;
            mr += r;
            mf += f;
            wp += p * support[i];
            wr += r * support[i];
            wf += f * support[i];
        }
        int n = truth.size();
        double accuracy = (double) correct / n;
        return new Report(labels, confusion, List.copyOf(perClass), support, accuracy, new Prf(accuracy, accuracy, accuracy),
                new Prf(mp / k, mr / k, mf / k), new Prf(wp / n, wr / n, wf / n));
    }

    /**
     * Mean negative log-likelihood of the true class, scikit-learn's {@code log_loss}: probabilities are clipped
     * to {@code [eps, 1 - eps]} with eps = 2^-52 (float64 machine epsilon).
     *
     * @param truth index of the true class of each example
     * @param probabilities one row per example, a distribution over classes (each row must sum to 1 within 1e-6)
     */
    public static double logLoss(int[] truth, double[][] probabilities) {
        if (truth == null || probabilities == null || truth.length != probabilities.length || truth.length == 0) {
            throw new InvalidMetricInputException("logLoss: truth and probabilities must be non-empty and of equal length, found "
                    + (truth == null ? "null" : truth.length) + " and " + (probabilities == null ? "null" : probabilities.length));
        }
        double eps = Math.ulp(1.0);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            double[] row = probabilities[i];
            if (row == null || truth[i] < 0 || truth[i] >= row.length) {
                throw new InvalidMetricInputException("logLoss: example " + i + " has true class " + truth[i] + " but "
                        + (row == null ? "no probabilities" : row.length + " class probabilities"));
            }
            double rowSum = 0;
            for (double p : row) {
                if (!(p >= 0 && p <= 1)) {
                    throw new InvalidMetricInputException("logLoss: example " + i + " has probability " + p + " outside [0, 1]");
                }
                rowSum += p;
            }
            if (Math.abs(rowSum - 1) > 1e-6) {
                throw new InvalidMetricInputException("logLoss: probabilities of example " + i + " sum to " + rowSum + ", expected 1");
            }
            double p = Math.min(Math.max(row[truth[i]], eps), 1 - eps);
            sum += -Math.log(p);
        }
        return sum / truth.length;
    }

    private static double ratio(int num, int den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    private static void check(List<String> truth, List<String> predicted) {
        if (truth == null || predicted == null) {
            throw new InvalidMetricInputException("classification: truth and predictions must not be null");
        }
        if (truth.size() != predicted.size()) {
            throw new InvalidMetricInputException("classification: " + truth.size() + " true labels but " + predicted.size()
                    + " predictions");
        }
        if (truth.isEmpty()) {
            throw new InvalidMetricInputException("classification: at least one example is required");
        }
        for (int i = 0; i < truth.size(); i++) {
            if (truth.get(i) == null || predicted.get(i) == null) {
                throw new InvalidMetricInputException("classification: label of example " + i + " is null");
            }
        }
    }
}
