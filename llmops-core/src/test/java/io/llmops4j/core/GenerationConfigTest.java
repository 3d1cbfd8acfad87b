package io.llmops4j.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationConfigTest {

    @Test
    void defaultsAreGreedyWith256TokensAndNoFilters() {
        GenerationConfig d = GenerationConfig.defaults();
        assertThat(d.maxNewTokens()).isEqualTo(256);
        assertThat(d.temperature()).isZero();
        assertThat(d.greedy()).isTrue();
        assertThat(d.topK()).isZero();
        assertThat(d.topP()).isEqualTo(1.0);
        assertThat(d.minP()).isZero();
        assertThat(d.repetitionPenalty()).isEqualTo(1.0);
        assertThat(d.presencePenalty()).isZero();
        assertThat(d.frequencyPenalty()).isZero();
        assertThat(d.stopSequences()).isEmpty();
        assertThat(d.stopTokenIds()).isEmpty();
        assertThat(d.seed()).isEmpty();
        assertThat(d.logprobs()).isFalse();
        assertThat(GenerationConfig.builder().build()).isEqualTo(d);
    }

    @Test
    void builderSetsEveryFieldAndToBuilderRoundTrips() {
        GenerationConfig c = GenerationConfig.builder().maxNewTokens(64).temperature(0.7).topK(40).topP(0.9)
                .minP(0.05).repetitionPenalty(1.1).presencePenalty(0.5).frequencyPenalty(-0.5)
                .stopSequences("\n\n", "###").stopTokenIds(2, 32000).seed(99).logprobs(true).build();
        assertThat(c.maxNewTokens()).isEqualTo(64);
        assertThat(c.temperature()).isEqualTo(0.7);
        assertThat(c.greedy()).isFalse();
        assertThat(c.topK()).isEqualTo(40);
        assertThat(c.topP()).isEqualTo(0.9);
        assertThat(c.minP()).isEqualTo(0.05);
        assertThat(c.repetitionPenalty()).isEqualTo(1.1);
        assertThat(c.presencePenalty()).isEqualTo(0.5);
        assertThat(c.frequencyPenalty()).isEqualTo(-0.5);
        assertThat(c.stopSequences()).containsExactly("\n\n", "###");
        assertThat(c.stopTokenIds()).containsExactlyInAnyOrder(2, 32000);
        assertThat(c.seed()).hasValue(99);
        assertThat(c.logprobs()).isTrue();

        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        GenerationConfig changed = c.toBuilder().temperature(0).seed(OptionalLong.empty()).build();
        assertThat(changed.greedy()).isTrue();
        assertThat(changed.seed()).isEmpty();
        assertThat(changed.topK()).isEqualTo(40);
        assertThat(c.temperature()).isEqualTo(0.7); // the original is unchanged
        assertThat(changed).isNotEqualTo(c);
        assertThat(c.toString()).contains("topP=0.9", "seed=99");
    }

    @Test
    void isImmutable() {
        List<String> stops = new ArrayList<>(List.of("a"));
        GenerationConfig c = GenerationConfig.builder().stopSequences(stops).stopTokenIds(Set.of(1)).build();
        stops.add("b");
        assertThat(c.stopSequences()).containsExactly("a");
        assertThatThrownBy(() -> c.stopSequences().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.stopTokenIds().add(3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptsTheBoundsOfEveryRange() {
        GenerationConfig c = GenerationConfig.builder().maxNewTokens(1).temperature(0).topK(0).topP(1.0).minP(1.0)
                .presencePenalty(-2).frequencyPenalty(2).repetitionPenalty(1e-3).build();
        assertThat(c.minP()).isEqualTo(1.0);
        assertThat(GenerationConfig.builder().topP(Double.MIN_VALUE).minP(0).presencePenalty(2)
                .frequencyPenalty(-2).build().topP()).isEqualTo(Double.MIN_VALUE);
    }

    private static void rejects(GenerationConfig.Builder b, String message) {
        assertThatThrownBy(b::build).isInstanceOf(InvalidRequestException.class).hasMessage(message);
    }

    @Test
    void rejectsEachInvalidFieldNamingItsRange() {
        rejects(GenerationConfig.builder().maxNewTokens(0), "maxNewTokens must be >= 1, was 0");
        rejects(GenerationConfig.builder().temperature(-0.1),
                "temperature must be finite and >= 0 (0 = greedy), was -0.1");
        rejects(GenerationConfig.builder().temperature(Double.NaN),
                "temperature must be finite and >= 0 (0 = greedy), was NaN");
        rejects(GenerationConfig.builder().temperature(Double.POSITIVE_INFINITY),
                "temperature must be finite and >= 0 (0 = greedy), was Infinity");
        rejects(GenerationConfig.builder().topK(-1), "topK must be >= 0 (0 = off), was -1");
        rejects(GenerationConfig.builder().topP(1.5), "topP must be in (0, 1], was 1.5");
        rejects(GenerationConfig.builder().topP(0.0), "topP must be in (0, 1], was 0.0");
        rejects(GenerationConfig.builder().topP(Double.NaN), "topP must be in (0, 1], was NaN");
        rejects(GenerationConfig.builder().minP(-0.01), "minP must be in [0, 1], was -0.01");
        rejects(GenerationConfig.builder().minP(1.01), "minP must be in [0, 1], was 1.01");
        rejects(GenerationConfig.builder().repetitionPenalty(0),
                "repetitionPenalty must be finite and > 0 (1 = off), was 0.0");
        rejects(GenerationConfig.builder().presencePenalty(2.5), "presencePenalty must be in [-2, 2], was 2.5");
        rejects(GenerationConfig.builder().frequencyPenalty(-2.01), "frequencyPenalty must be in [-2, 2], was -2.01");
        rejects(GenerationConfig.builder().stopSequences("ok", ""),
                "stopSequences[1] must be a non-empty string, was \"\"");
        rejects(GenerationConfig.builder().stopSequences(Arrays.asList("ok", null)),
                "stopSequences[1] must be a non-empty string, was null");
        rejects(GenerationConfig.builder().stopTokenIds(5, -1), "stopTokenIds must hold token ids >= 0, found -1");
    }
}
