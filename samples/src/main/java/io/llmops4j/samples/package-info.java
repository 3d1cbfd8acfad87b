/** The runnable end-to-end demo of llmops4j ({@link io.llmops4j.samples.Demo}). */
package io.llmops4j.samples;
