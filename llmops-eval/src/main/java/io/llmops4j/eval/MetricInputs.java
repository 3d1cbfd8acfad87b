package io.llmops4j.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation and re-layout of (hypotheses, reference streams) shared by the corpus metrics. */
final class MetricInputs {
    private MetricInputs() {
    }

    /**
     * Checks the sacreBLEU stream layout and returns the references of each segment (nulls dropped).
     *
     * @throws InvalidMetricInputException naming the metric, the stream and the segment at fault
     */
    static List<List<String>> transpose(List<String> hypotheses, List<List<String>> referenceStreams, String metric) {
        if (hypotheses == null) {
            throw new InvalidMetricInputException(metric + ": hypotheses must not be null");
        }
        if (hypotheses.isEmpty()) {
            throw new InvalidMetricInputException(metric + ": at least one hypothesis is required, found none");
        }
        if (referenceStreams == null || referenceStreams.isEmpty()) {
            throw new InvalidMetricInputException(metric + ": at least one reference stream is required, found "
                    + (referenceStreams == null ? "null" : "none"));
        }
        for (int k = 0; k < referenceStreams.size(); k++) {
            List<String> stream = referenceStreams.get(k);
            if (stream == null) {
                throw new InvalidMetricInputException(metric + ": reference stream " + k + " is null");
            }
            if (stream.size() != hypotheses.size()) {
                throw new InvalidMetricInputException(metric + ": reference stream " + k + " has " + stream.size()
                        + " segments but there are " + hypotheses.size() + " hypotheses");
            }
        }
        List<List<String>> perSegment = new ArrayList<>(hypotheses.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            if (hypotheses.get(i) == null) {
                throw new InvalidMetricInputException(metric + ": hypothesis " + i + " is null");
            }
            List<String> refs = new ArrayList<>(referenceStreams.size());
            for (List<String> stream : referenceStreams) {
                if (stream.get(i) != null) {
                    refs.add(stream.get(i));
                }
            }
            if (refs.isEmpty()) {
                throw new InvalidMetricInputException(metric + ": segment " + i + " has no reference (all streams are null there)");
            }
            perSegment.add(refs);
        }
        return perSegment;
    }

    /** sacreBLEU's {@code sentence_score} layout: one stream per reference, each holding one segment. */
    static List<List<String>> sentenceStreams(List<String> references, String metric) {
        if (references == null) {
            throw new InvalidMetricInputException(metric + ": references must not be null");
        }
        List<List<String>> streams = new ArrayList<>(references.size());
        for (String r : references) {
            streams.add(java.util.Collections.singletonList(r));
        }
        return streams;
    }

    /**
     * Returns {@code value}, or throws if it is null.
     *
     * @throws InvalidMetricInputException "{@code metric}: {@code what} must not be null"
     */
    static <T> T nonNull(T value, String metric, String what) {
        if (value == null) {
            throw new InvalidMetricInputException(metric + ": " + what + " must not be null");
        }
        return value;
    }

    /** The signature's {@code nrefs}: the common number of references, or {@code var}. */
    static String nrefs(List<List<String>> refsPerSegment) {
        Set<Integer> sizes = new HashSet<>();
        for (List<String> refs : refsPerSegment) {
            sizes.add(refs.size());
        }
        return sizes.size() == 1 ? String.valueOf(sizes.iterator().next()) : "var";
    }
}
