package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationTest {

    @Test
    void scikitLearnDocumentationExample() {
        // scikit-learn docs (precision_score / recall_score / f1_score): y_true = [0,1,2,0,1,2], y_pred = [0,2,1,0,0,1]
        // precision macro 0.22..., micro 0.33..., weighted 0.22...; recall macro 0.33...; f1 macro 0.26..., weighted 0.26...
        // exact: class 0: P 2/3, R 1; class 1: P 0, R 0; class 2: P 0, R 0 -> F1 class 0 = 0.8
        List<String> t = List.of("0", "1", "2", "0", "1", "2");
        List<String> p = List.of("0", "2", "1", "0", "0", "1");
        Classification.Report r = Classification.report(t, p);
        assertThat(r.macro().precision()).isCloseTo(2 / 9.0, within(1e-15));
        assertThat(r.micro().precision()).isCloseTo(1 / 3.0, within(1e-15));
        assertThat(r.weighted().precision()).isCloseTo(2 / 9.0, within(1e-15));
        assertThat(r.macro().recall()).isCloseTo(1 / 3.0, within(1e-15));
        assertThat(r.macro().f1()).isCloseTo(0.8 / 3, within(1e-15));
        assertThat(r.weighted().f1()).isCloseTo(0.8 / 3, within(1e-15));
        assertThat(r.confusion()).isDeepEqualTo(new int[][] {{2, 0, 0}, {1, 0, 1}, {0, 2, 0}});
        assertThat(r.support()).containsExactly(2, 2, 2);
        assertThat(Classification.accuracy(t, p)).isEqualTo(1 / 3.0);
    }

    @Test
    void logLoss() {
        // scikit-learn log_loss docs: log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]) = 0.21616...
        // classes sorted (ham = 0, spam = 1): -(ln .9 + ln .9 + ln .8 + ln .65) / 4
        double v = Classification.logLoss(new int[] {1, 0, 0, 1}, new double[][] {{.1, .9}, {.9, .1}, {.8, .2}, {.35, .65}});
        assertThat(v).isCloseTo(-(Math.log(.9) + Math.log(.9) + Math.log(.8) + Math.log(.65)) / 4, within(1e-15));
        assertThat(v).isCloseTo(0.21616, within(1e-5));
        // p = 0 is clipped to 2^-52: -ln(2^-52) = 52 ln 2
        assertThat(Classification.logLoss(new int[] {0}, new double[][] {{0, 1}})).isCloseTo(52 * Math.log(2), within(1e-12));
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> Classification.report(List.of("a"), List.of("a", "b"))).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("1 true labels but 2 predictions");
        assertThatThrownBy(() -> Classification.logLoss(new int[] {0}, new double[][] {{0.5, 0.4}}))
                .hasMessageContaining("sum to 0.9");
        assertThatThrownBy(() -> Classification.logLoss(new int[] {2}, new double[][] {{0.5, 0.5}}))
                .hasMessageContaining("example 0 has true class 2 but 2 class probabilities");
        assertThatThrownBy(() -> Classification.accuracy(List.of(), List.of())).hasMessageContaining("at least one example");
    }
}
