// llmops4j notebook 2: text metrics that agree with sacreBLEU, rouge-score and NLTK.
// The example is sacreBLEU's README: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...), chrF2 = 59.73.
import java.util.*;
import io.llmops4j.eval.*;

List<String> sys = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
List<List<String>> refs = List.of(
        List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
        List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));
BleuScore bleu = Bleu.corpus(sys, refs, BleuOptions.defaults());
System.out.printf("BLEU %.2f  %s%n", bleu.score(), bleu.signature());
if (Math.abs(bleu.score() - 48.53) > 0.005) throw new AssertionError("BLEU " + bleu.score());
ChrfScore chrf = Chrf.corpus(sys, refs, ChrfOptions.defaults());
System.out.printf("chrF2 %.2f%n", chrf.score());
if (Math.abs(chrf.score() - 59.73) > 0.005) throw new AssertionError("chrF " + chrf.score());

Rouge scorer = Rouge.builder().types("rouge1", "rougeL").useStemmer(true).build();
Map<String, RougeScore> rouge = scorer.score("The quick brown fox jumps over the lazy dog",
        "The quick brown dog jumps on the log.");
System.out.println(rouge);
double meteor = Meteor.builder().build().score(List.of("the cat sat on the mat"), "on the mat sat the cat");
System.out.printf("METEOR %.4f%n", meteor);
