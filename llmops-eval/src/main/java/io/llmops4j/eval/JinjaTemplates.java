package io.llmops4j.eval;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.Map;

/** Jinja prompt templates (jinjava), checked once when a builder validates them. */
final class JinjaTemplates {
    private static final Jinjava JINJAVA = new Jinjava();

    private JinjaTemplates() {
    }

    /**
     * Renders {@code template} with sample values and rejects it if jinjava reports an error.
     *
     * @throws InvalidMetricInputException naming {@code field} and the first error's line
     */
    static void check(String template, String field, Map<String, ?> sample) {
        if (template == null) {
            throw new InvalidMetricInputException(field + " must not be null");
        }
        RenderResult check = JINJAVA.renderForResult(template, sample);
        if (check.hasErrors()) {
            TemplateError error = check.getErrors().get(0);
            throw new InvalidMetricInputException(field + " is not a valid Jinja template: " + error.getMessage()
                    + " (line " + error.getLineno() + ")");
        }
    }

    /** Renders a template that passed {@link #check}. Thread-safe. */
    static String render(String template, Map<String, ?> variables) {
        return JINJAVA.render(template, variables);
    }
}
