package io.llmops4j.core.chat;

/**
 * Jinja's lexer, as far as it decides which text a template writes and where its tags end, applied to the source
 * before jinjava reads it. Jinjava's scanner differs from Jinja's in several ways that change the output:
 * <ul>
 * <li>{@code lstrip_blocks}: Jinja strips the spaces and tabs before a block or comment tag only when nothing else
 * precedes the tag on its line; jinjava strips them after any text ({@code a  {% if x %}} lost the two spaces);</li>
 * <li>the {@code +} markers: <code>{%+</code> keeps the whitespace before a tag and <code>+%}</code> the newline
 * after it; jinjava ignored the first and failed on the second;</li>
 * <li>a tag ends at its closing delimiter only outside brackets: <code>{{ {'a': {'b': 1}} }}</code> is one
 * expression in Jinja, where jinjava ended it at the first <code>}}</code>;</li>
 * <li>{@code -} strips Python's whitespace ({@code str.isspace}), where jinjava's {@code String.trim} strips
 * control characters but not, say, a no-break space.</li>
 * </ul>
 * So whitespace control is done here, as Jinja does it with HF's {@code trim_blocks} and {@code lstrip_blocks}, and
 * jinjava (with both off) gets a source without any {@code -} or {@code +} markers: every tag, expression and
 * comment is written with a space inside each delimiter, and a newline that whitespace control removes is moved
 * inside the delimiters next to it, where it is just whitespace, so that jinjava's line numbers stay the source's.
 * A closing brace followed by another inside an expression gets a space between them. Text, string literals and
 * {@code raw} blocks are written unchanged; a construct that does not end is written as it is, for jinjava to
 * report.
 */
final class JinjaLexer {

    private final String source;
    private final StringBuilder out;
    private int pos;
    /** Whether the last construct's closing match ended with a newline (Jinja's {@code line_starting}). */
    private boolean lineStarting = true;

    private JinjaLexer(String source) {
        this.source = source;
        this.out = new StringBuilder(source.length() + source.length() / 8);
    }

    /** The source as jinjava must read it; {@code source} is already in Jinja's newlines ({@code \n} only). */
    static String forJinjava(String source) {
        JinjaLexer lexer = new JinjaLexer(source);
        lexer.run();
        return lexer.out.toString();
    }

    private void run() {
        int n = source.length();
        while (pos < n) {
            int start = nextConstruct(pos);
            if (start < 0) {
                out.append(source, pos, n);
                return;
            }
            char kind = source.charAt(start + 1);
            char sign = sign(start + 2);
            int bodyStart = start + 2 + (sign == 0 ? 0 : 1);
            int rawEnd = kind == '%' ? rawBegin(bodyStart) : -1;
            int end = rawEnd >= 0 ? rawEnd : kind == '#' ? commentEnd(bodyStart) : tagEnd(bodyStart, kind);
            if (end < 0) {
                out.append(source, pos, n); // not closed: jinjava reports it
                return;
            }
            String moved = text(pos, start, sign, kind != '{');
            if (rawEnd < 0) {
                writeConstruct(kind, moved, bodyStart, end);
            } else if (!raw(bodyStart, moved)) {
                out.append(moved).append(source, start, n); // not closed: jinjava reports it
                return;
            }
        }
    }

    /** The first <code>{%</code>, <code>{{</code> or <code>{#</code> at or after {@code from}, or -1. */
    private int nextConstruct(int from) {
        for (int i = source.indexOf('{', from); i >= 0 && i + 1 < source.length(); i = source.indexOf('{', i + 1)) {
            char c = source.charAt(i + 1);
            if (c == '%' || c == '{' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes the text from {@code from} to {@code to} as Jinja leaves it before a construct opened with
     * {@code sign}: all trailing whitespace stripped for {@code -}, the line's leading whitespace for a block or
     * comment tag ({@code lstrip_blocks}) unless {@code +}. Returns the newlines stripped, to be written inside the
     * construct.
     */
    private String text(int from, int to, char sign, boolean block) {
        String text = source.substring(from, to);
        String kept = text;
        if (sign == '-') {
            kept = PyStrings.rstrip(text, null);
        } else if (sign != '+' && block) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && lineStart < text.length() && isSpace(text, lineStart, text.length())) {
                kept = text.substring(0, lineStart);
            }
        }
        out.append(kept);
        return newlines(text, kept.length(), text.length());
    }

    /**
     * Where the block or expression whose body starts at {@code from} ends: the index of its closing
     * <code>%}</code> or <code>}}</code> (or of the {@code -} / {@code +} before it) outside brackets and string
     * literals, or -1 if it has none.
     */
    private int tagEnd(int from, char kind) {
        char close = kind == '%' ? '%' : '}';
        int depth = 0;
        int n = source.length();
        for (int i = from; i < n; i++) {
            char c = source.charAt(i);
            if (depth == 0 && closesAt(i, close, kind == '%')) {
                return i;
            }
            if (c == '\'' || c == '"') {
                i = stringEnd(i);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > ChatTemplate.MAX_BRACKET_DEPTH) {
                    // checked here, where comments, raw blocks and tag ends are known as jinjava will read them
                    // (ChatTemplate's checkSize does not know comments: a quote in one hid what followed)
                    throw new ChatTemplateException("chat template nests brackets more than "
                            + ChatTemplate.MAX_BRACKET_DEPTH + " deep (line " + lineOf(i) + ")");
                }
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        return -1;
    }

    /** The line (from 1) of the character at {@code index}. */
    private int lineOf(int index) {
        int line = 1;
        for (int i = source.indexOf('\n'); i >= 0 && i < index; i = source.indexOf('\n', i + 1)) {
            line++;
        }
        return line;
    }

    /** Whether a closing delimiter (optionally after {@code -}, or {@code +} for blocks) starts at {@code i}. */
    private boolean closesAt(int i, char close, boolean plusAllowed) {
        if (i >= source.length()) {
            return false; // the source ends inside the tag (e.g. "{% raw")
        }
        char c = source.charAt(i);
        int at = (c == '-' || (c == '+' && plusAllowed)) ? i + 1 : i;
        return at + 1 < source.length() && source.charAt(at) == close && source.charAt(at + 1) == '}';
    }

    /** The index of the quote that ends the string literal starting at {@code i}, or -1. */
    private int stringEnd(int i) {
        char quote = source.charAt(i);
        for (int j = i + 1; j < source.length(); j++) {
            char c = source.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == quote) {
                return j;
            }
        }
        return -1;
    }

    /** The index of the comment's closing <code>#}</code> (or of the sign before it), or -1. */
    private int commentEnd(int from) {
        int close = source.indexOf("#}", from);
        if (close < 0) {
            return -1;
        }
        return close > from && sign(close - 1) != 0 ? close - 1 : close;
    }

    /**
     * Writes a tag, expression or comment whose body runs from {@code bodyStart} to {@code end} (where its closing
     * sign or delimiter starts), and the whitespace control after it, and moves past it.
     */
    private void writeConstruct(char kind, String moved, int bodyStart, int end) {
        char sign = sign(end);
        int after = end + (sign == 0 ? 0 : 1) + 2;
        String trailing = trailing(after, sign, kind != '{');
        out.append('{').append(kind).append(moved).append(' ');
        if (kind == '{') {
            expressionBody(bodyStart, end);
        } else {
            out.append(source, bodyStart, end);
        }
        out.append(' ').append(trailing).append(kind == '{' ? '}' : kind).append('}');
    }

    /**
     * Consumes what Jinja's closing match takes after a construct: all whitespace after {@code -}, one newline after
     * a block or comment tag without a sign ({@code trim_blocks}). Returns the newlines consumed.
     */
    private String trailing(int after, char sign, boolean block) {
        int end = after;
        if (sign == '-') {
            while (end < source.length() && PyStrings.isSpace(source.charAt(end))) {
                end++;
            }
        } else if (sign == 0 && block && end < source.length() && source.charAt(end) == '\n') {
            end++;
        }
        lineStarting = end > after && source.charAt(end - 1) == '\n';
        pos = end;
        return newlines(source, after, end);
    }

    /** An expression's body, with a space between two closing braces that jinjava would take for its end. */
    private void expressionBody(int from, int to) {
        for (int i = from; i < to; i++) {
            char c = source.charAt(i);
            if (c == '\'' || c == '"') {
                int end = stringEnd(i);
                out.append(source, i, end + 1);
                i = end;
                continue;
            }
            out.append(c);
            if (c == '}' && i + 1 < to && source.charAt(i + 1) == '}') {
                out.append(' ');
            }
        }
    }

    /**
     * The end of a <code>{% raw %}</code> tag whose body starts at {@code from} (the index of its <code>%}</code>
     * or of the {@code -} before it), or -1 if the tag there is not {@code raw}.
     */
    private int rawBegin(int from) {
        int i = skipSpace(from);
        if (!source.startsWith("raw", i)) {
            return -1;
        }
        i = skipSpace(i + 3);
        return closesAt(i, '%', false) ? i : -1;
    }

    /**
     * A raw block: its opening tag (body from {@code bodyStart}), the text up to <code>{% endraw %}</code> written
     * unchanged but for the whitespace control of both tags (Jinja's raw tag keeps the newline after it), and the
     * closing tag. Writes nothing and returns false if the block does not end.
     */
    private boolean raw(int bodyStart, String moved) {
        int open = rawBegin(bodyStart);
        int afterOpen = open + (source.charAt(open) == '-' ? 1 : 0) + 2;
        for (int tag = source.indexOf("{%", afterOpen); tag >= 0; tag = source.indexOf("{%", tag + 1)) {
            char endSign = sign(tag + 2);
            int name = skipSpace(tag + 2 + (endSign == 0 ? 0 : 1));
            int close = skipSpace(name + 6);
            if (source.startsWith("endraw", name) && closesAt(close, '%', true)) {
                String trailing = trailing(afterOpen, source.charAt(open) == '-' ? '-' : 0, false);
                out.append("{%").append(moved).append(" raw ").append(trailing).append("%}");
                String movedBefore = text(pos, tag, endSign, true);
                String after = trailing(close + (sign(close) == 0 ? 0 : 1) + 2, sign(close), true);
                out.append("{%").append(movedBefore).append(" endraw ").append(after).append("%}");
                return true;
            }
        }
        return false;
    }

    /** The whitespace control sign at {@code i} ({@code -} or {@code +}), or 0. */
    private char sign(int i) {
        char c = i < source.length() ? source.charAt(i) : 0;
        return c == '-' || c == '+' ? c : 0;
    }

    private int skipSpace(int i) {
        while (i < source.length() && PyStrings.isSpace(source.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!PyStrings.isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The newlines of {@code s} from {@code from} to {@code to}. */
    private static String newlines(String s, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                count++;
            }
        }
        return "\n".repeat(count);
    }
}
