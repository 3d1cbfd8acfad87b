/**
 * Serving: an in-process continuous-batching inference engine, a gateway with model versions, canary and
 * A/B routing, guardrails and monitoring, and an OpenAI-compatible HTTP front.
 */
package io.llmops4j.serving;
