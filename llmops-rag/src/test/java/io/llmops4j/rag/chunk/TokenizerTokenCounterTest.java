package io.llmops4j.rag.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.tokenizer.Tokenizer;
import io.llmops4j.rag.RagConfigException;
import io.llmops4j.rag.SharedModels;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TokenCounter#of(Tokenizer)} with the real stories260K tokenizer from {@code ../shared/models}. */
class TokenizerTokenCounterTest {
    private static final String STORY = """
            Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her \
            red ball. One day, the ball rolled away under a big tree.

            Lily looked and looked. Then her friend Tom came to help. Together they found the ball, and they \
            played until the sun went down.

            The next morning, Lily's mom made pancakes. Lily was very happy and said thank you.""";

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(SharedModels.stories260K());
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void countsTheSequenceTheModelSeesWithBos() {
        // llama2.c's tok512 (as in llmops-core's StoriesTokenizerTest): <s> Once upon a time = 1, 403, 407, 261, 378
        assertThat(TokenCounter.of(tokenizer).count("Once upon a time")).isEqualTo(5);
        assertThat(TokenCounter.of(tokenizer).count("")).as("BOS alone").isEqualTo(1);
    }

    @Test
    void recursiveChunksStayWithinTheTokenizersLimitWhereWordCountsOverflow() {
        int max = 24;
        List<String> exact = texts(Chunker.recursive(TokenCounter.of(tokenizer), max, 4));
        assertThat(exact).hasSizeGreaterThan(3)
                .allSatisfy(c -> assertThat(tokenizer.encode(c).length).as(c).isLessThanOrEqualTo(max));
        // a 512-token vocabulary needs about two tokens a word, so the same limit counted in words is far too loose
        assertThat(texts(Chunker.recursive(TokenCounter.whitespace(), max, 4)))
                .anySatisfy(c -> assertThat(tokenizer.encode(c).length).isGreaterThan(max));
    }

    private static List<String> texts(Chunker c) {
        return c.split(STORY).stream().map(s -> STORY.substring(s.start(), s.end())).toList();
    }

    @Test
    void nullTokenizerOrEmbedderIsRefused() {
        assertThatThrownBy(() -> TokenCounter.of((io.llmops4j.core.tokenizer.Tokenizer) null))
                .isInstanceOf(RagConfigException.class).hasMessageContaining("tokenizer");
        assertThatThrownBy(() -> TokenCounter.of((io.llmops4j.core.Embedder) null))
                .isInstanceOf(RagConfigException.class).hasMessageContaining("embedder");
    }
}
