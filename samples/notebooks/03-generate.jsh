// llmops4j notebook 3: load a Hugging Face checkpoint and generate. Uses stories260K, a tiny trained Llama, from
// the shared directory beside the checkout (-Dllmops.shared.dir, default ../shared), or -Dllmops.model=DIR.
import java.util.*;
import io.llmops4j.core.*;
import java.nio.file.*;

Path dir = Path.of(System.getProperty("llmops.model",
        System.getProperty("llmops.shared.dir", "../shared") + "/models/stories260K"));
LanguageModel lm = LanguageModel.load(dir);
Generation g = lm.generate("Once upon a time", GenerationConfig.builder().maxNewTokens(40).build());
System.out.println("Once upon a time" + g.text() + "  [" + g.finishReason() + ", " + g.generatedTokens() + " tokens]");
if (!g.text().startsWith(", there was a little girl named Lily")) throw new AssertionError(g.text());

GenerationConfig sampled = GenerationConfig.builder().maxNewTokens(30).temperature(0.8).topP(0.9).seed(7).build();
if (!lm.generate("Once upon a time", sampled).text().equals(lm.generate("Once upon a time", sampled).text()))
    throw new AssertionError("the same seed must give the same text");
lm.stream("The dog", GenerationConfig.builder().maxNewTokens(20).build(), t -> System.out.print(t.text()));
System.out.println();
lm.close();
