/**
 * JMH benchmarks of llmops-core: single-stream decode and prefill of a 110M-parameter Llama, the machine's
 * memory bandwidth that decode is held against, and sentence embedding throughput against LangChain4j.
 */
package io.llmops4j.bench.core;
