package io.llmops4j.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void constantValuesHaveAZeroWidthInterval() {
        MetricSummary s = Bootstrap.meanInterval(new double[] {0.25, 0.25, 0.25}, 200, 1);
        assertThat(s).isEqualTo(new MetricSummary(0.25, 0.25, 0.25, 3));
    }

    @Test
    void intervalCoversTheMeanWithNormalTheoryWidth() {
        // 400 values of 0/1 with p = 1/2: standard error = 0.5 / sqrt(400) = 0.025, so the 95% interval is about
        // mean +- 1.96 * 0.025 = +- 0.049
        double[] v = new double[400];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 2;
        }
        MetricSummary s = Bootstrap.meanInterval(v, 2000, 7);
        assertThat(s.mean()).isEqualTo(0.5);
        assertThat(s.low()).isCloseTo(0.5 - 0.049, within(0.01));
        assertThat(s.high()).isCloseTo(0.5 + 0.049, within(0.01));
    }

    @Test
    void pairedBootstrapSignificance() {
        SplittableRandom r = new SplittableRandom(3);
        double[] a = new double[200];
        double[] b = new double[200];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble();
            b[i] = a[i] + 0.1 + 0.05 * (r.nextDouble() - 0.5); // always better by ~0.1
        }
        double[] d = Bootstrap.paired(a, b, 1000, 5);
        assertThat(d[0]).isCloseTo(0.1, within(0.01));
        assertThat(d[1]).isGreaterThan(0);
        assertThat(d[3]).isZero(); // no resample has delta <= 0
        double[] same = Bootstrap.paired(a, a, 1000, 5);
        assertThat(same[0]).isZero();
        assertThat(same[3]).isEqualTo(1.0);
        // numpy.percentile([1, 2, 3, 4, 5], 2.5) = 1.1
        assertThat(Bootstrap.percentile(new double[] {1, 2, 3, 4, 5}, 0.025)).isCloseTo(1.1, within(1e-15));
    }
}
