/**
 * The {@code llmops-eval} command line (picocli): {@code bleu}, {@code chrf}, {@code rouge}, {@code meteor}
 * score a hypothesis file against reference files and print like sacreBLEU's CLI; {@code compare} compares two
 * stored runs and can write the HTML report.
 */
package io.llmops4j.eval.cli;
