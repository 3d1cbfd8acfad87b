/**
 * Text processing shared by the metrics, reproducing the reference tools' exact behaviour: Python's
 * whitespace set and {@code str.split()}, sacreBLEU's tokenizers (13a, intl, char, none), rouge-score's
 * tokenizer, NLTK's Porter stemmer ({@code NLTK_EXTENSIONS} mode) and a WordNet 3.0 database reader.
 */
package io.llmops4j.eval.text;
