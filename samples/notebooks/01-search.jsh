// llmops4j notebook 1: sentence embeddings and hybrid search on the embedded all-MiniLM-L6-v2 model.
import java.util.*;
import io.llmops4j.core.*;
import io.llmops4j.rag.*;
import io.llmops4j.rag.SearchRequest.Mode;

Embedder embedder = Embedder.defaultModel();
float[][] v = embedder.embed(List.of("A man plays the guitar.", "Someone is making music.", "Stocks fell sharply."));
double cosine(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
System.out.printf("paraphrase %.3f, unrelated %.3f%n", cosine(v[0], v[1]), cosine(v[0], v[2]));
if (!(cosine(v[0], v[1]) > cosine(v[0], v[2]))) throw new AssertionError("paraphrases should be closer");

VectorIndex index = VectorIndex.inMemory(embedder);
index.add(List.of(
        Chunk.of("tides", "Ocean tides are caused mainly by the gravitational pull of the moon.", Map.of("topic", "science")),
        Chunk.of("rates", "The central bank raised interest rates to curb inflation.", Map.of("topic", "economy")),
        Chunk.of("lava", "Magma that reaches the surface of the earth erupts as lava.", Map.of("topic", "science"))));
index.commit();
List<SearchHit> hits = index.search(SearchRequest.builder().text("why does the sea rise and fall?")
        .mode(Mode.HYBRID).topK(2).filter(Filter.eq("topic", "science")).build());
hits.forEach(h -> System.out.printf("%-6s %.4f %s%n", h.id(), h.score(), h.text()));
if (!hits.get(0).id().equals("tides")) throw new AssertionError("expected the tides chunk first, got " + hits);

index.close();
embedder.close();
