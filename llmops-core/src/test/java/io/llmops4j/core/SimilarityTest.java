package io.llmops4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SimilarityTest {
    private static final float[] A = {3, 4};
    private static final float[] B = {4, 3};

    @Test
    void eachFunctionGivesItsTextbookValue() {
        // a.b = 24, |a| = |b| = 5, a - b = (-1, 1)
        assertThat(Similarity.COSINE.score(A, B)).isCloseTo(24f / 25f, within(1e-7f));
        assertThat(Similarity.DOT.score(A, B)).isEqualTo(24f);
        assertThat(Similarity.EUCLIDEAN.score(A, B)).isCloseTo((float) -Math.sqrt(2), within(1e-7f));
        assertThat(Similarity.MANHATTAN.score(A, B)).isEqualTo(-2f);
    }

    @Test
    void identitiesHold() {
        float[] scaled = {30, 40};
        assertThat(Similarity.COSINE.score(A, scaled)).isCloseTo(1f, within(1e-7f)); // scale does not matter
        assertThat(Similarity.COSINE.score(A, new float[] {-4, 3})).isCloseTo(0f, within(1e-7f)); // orthogonal
        assertThat(Similarity.EUCLIDEAN.score(A, A)).isZero();
        assertThat(Similarity.MANHATTAN.score(A, A)).isZero();
        assertThat(Similarity.DOT.score(A, A)).isEqualTo(25f); // |a|^2
        assertThat(Similarity.COSINE.score(new float[] {0, 0}, A)).isZero(); // cos_sim's 1e-12 floor
    }

    @Test
    void configNamesAreSentenceTransformers() {
        assertThat(Similarity.ofConfigName("cosine")).contains(Similarity.COSINE);
        assertThat(Similarity.ofConfigName("dot")).contains(Similarity.DOT);
        assertThat(Similarity.ofConfigName("euclidean")).contains(Similarity.EUCLIDEAN);
        assertThat(Similarity.ofConfigName("manhattan")).contains(Similarity.MANHATTAN);
        assertThat(Similarity.ofConfigName("dot_product")).isEmpty();
        assertThat(Similarity.ofConfigName(null)).isEmpty();
    }

    @Test
    void vectorsOfDifferentLengthsAreRefused() {
        assertThatThrownBy(() -> Similarity.DOT.score(A, new float[] {1}))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("vectors to compare must have the same length, found 2 and 1");
    }
}
