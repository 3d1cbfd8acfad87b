package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.FinishReason;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real trained stories260K Llama from {@code ../shared/models} (skipped when absent): its README says that
 * greedy decoding writes TinyStories-style text beginning "Once upon a time", and that stories end with BOS (id 1).
 */
class Stories260KTest {
    static LanguageModel lm;

    @BeforeAll
    static void load() {
        Path dir = Path.of(System.getProperty("llmops.shared.dir", "../shared"), "models", "stories260K");
        assumeTrue(Files.isDirectory(dir), "stories260K not present at " + dir);
        lm = LanguageModel.load(dir);
    }

    @AfterAll
    static void close() {
        if (lm != null) {
            lm.close();
        }
    }

    private static GenerationConfig.Builder greedy(int n) {
        return GenerationConfig.builder().maxNewTokens(n).stopTokenIds(1, 2);
    }

    @Test
    void greedyDecodingFromBosWritesAStory() {
        Generation g = lm.generate("", greedy(40).build());
        assertThat(g.promptTokens()).as("the empty prompt is just BOS").isEqualTo(1);
        assertThat(g.text()).startsWith("Once upon a time");
        assertThat(lm.tokenizer().decode(g.tokenIds())).isEqualTo(g.text());
    }

    @Test
    void stopSequenceSplitAcrossTokensCutsTheTextBeforeIt() {
        String full = lm.generate("Once upon a time", greedy(60).build()).text();
        String stop = "little girl";
        int at = full.indexOf(stop);
        assumeTrue(at >= 0, "the greedy story mentions a little girl: " + full);
        assertThat(lm.tokenizer().encode(stop, false).length).as("the stop sequence spans several tokens").isGreaterThan(1);
        Generation g = lm.generate("Once upon a time", greedy(60).stopSequences(stop).build());
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(g.text()).isEqualTo(full.substring(0, at));
    }

    @Test
    void streamedPiecesConcatenateToTheText() {
        StringBuilder pieces = new StringBuilder();
        Generation g = lm.stream("Lily and Ben", greedy(50).build(), t -> pieces.append(t.text()));
        assertThat(pieces.toString()).isEqualTo(g.text());
        assertThat(g.text()).isNotBlank();
    }

    @Test
    void chatWithoutATemplateSaysSo() {
        assertThatThrownBy(() -> lm.chat(List.of(ChatMessage.user("hi")), greedy(5).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no chat_template");
    }
}
