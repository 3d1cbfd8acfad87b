package io.llmops4j.rag.ingest;

import io.llmops4j.rag.Document;
import io.llmops4j.rag.IngestException;
import io.llmops4j.rag.RagConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/** Plain UTF-8 text, streamed: at most about two parts of text are in memory at a time. */
final class TextLoader implements DocumentLoader {
    private final int partChars;

    TextLoader(int partChars) {
        if (partChars < 1024) {
            throw new RagConfigException("partChars must be >= 1024, got " + partChars);
        }
        this.partChars = partChars;
    }

    @Override
    public void load(Path file, Context ctx) {
        StringBuilder buf = new StringBuilder();
        char[] read = new char[8192];
        int offset = 0;
        try (Reader r = TextFiles.strictUtf8(file)) {
            for (int n = r.read(read); n >= 0; n = r.read(read)) {
                buf.append(read, 0, n);
                while (buf.length() >= partChars) {
                    int cut = cutPoint(buf);
                    ctx.accept(new Document(ctx.documentId(), buf.substring(0, cut), offset, ctx.metadata()));
                    buf.delete(0, cut);
                    offset += cut;
                }
            }
        } catch (IOException e) {
            throw TextFiles.unreadable(file, e);
        }
        if (offset == 0 && buf.toString().isBlank()) {
            throw new IngestException(file + ": empty (no text)");
        }
        if (!buf.isEmpty()) {
            ctx.accept(new Document(ctx.documentId(), buf.toString(), offset, ctx.metadata()));
        }
    }

    /** Last paragraph break, else line break, else whitespace in the second half of the part; else the part. */
    private int cutPoint(StringBuilder buf) {
        int limit = partChars;
        int half = partChars / 2;
        int p = buf.lastIndexOf("\n\n", limit - 2);
        if (p >= half) {
            return p + 2;
        }
        p = buf.lastIndexOf("\n", limit - 1);
        if (p >= half) {
            return p + 1;
        }
        for (int i = limit - 1; i >= half; i--) {
            if (Character.isWhitespace(buf.charAt(i))) {
                return i + 1;
            }
        }
        return Character.isHighSurrogate(buf.charAt(limit - 1)) ? limit - 1 : limit;
    }
}
