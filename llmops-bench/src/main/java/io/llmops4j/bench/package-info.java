/** JMH benchmarks of llmops4j; results and the machine they ran on are recorded in {@code docs/BENCHMARKS.md}. */
package io.llmops4j.bench;
