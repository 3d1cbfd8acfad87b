/**
 * Evaluation for LLMOps: metrics whose numbers equal the field's reference tools, and the runner that records,
 * compares and reports experiment runs.
 *
 * <ul>
 *   <li>{@link io.llmops4j.eval.Bleu} and {@link io.llmops4j.eval.Chrf}: sacreBLEU 2.x (0-100, with sacreBLEU's
 *       signatures); {@link io.llmops4j.eval.Rouge}: Google rouge-score 0.1.2 (0-1), with
 *       {@link io.llmops4j.eval.BootstrapAggregator}; {@link io.llmops4j.eval.Meteor}: NLTK 3.8 (0-1), optionally
 *       with WordNet 3.0 synonyms ({@link io.llmops4j.eval.SynonymSource}); {@link io.llmops4j.eval.BertScore}:
 *       {@code bert_score}'s greedy matching over an ONNX model's token embeddings.</li>
 *   <li>{@link io.llmops4j.eval.Classification} (scikit-learn definitions), {@link io.llmops4j.eval.Retrieval}
 *       (trec_eval definitions) and {@link io.llmops4j.eval.RagMetrics} (lexical groundedness and relevance), with
 *       embedding-based relevance in {@link io.llmops4j.eval.SemanticRagMetrics} and LLM-as-judge scores with
 *       validated replies in {@link io.llmops4j.eval.RagJudge}.</li>
 *   <li>{@link io.llmops4j.eval.Perplexity} of a {@code LanguageModel}, with Hugging Face's sliding window.</li>
 *   <li>{@link io.llmops4j.eval.Evaluator} runs a dataset through any {@code Function<String, String>} or a
 *       {@code LanguageModel} (recording its token usage) and produces a {@link io.llmops4j.eval.run.Run}; {@link io.llmops4j.eval.RunStore} keeps runs on disk and
 *       compares them with a paired bootstrap; {@link io.llmops4j.eval.report} renders them.</li>
 * </ul>
 *
 * Bad input raises an {@link io.llmops4j.eval.EvalException} subclass whose message names the argument, file
 * or line at fault.
 */
package io.llmops4j.eval;
