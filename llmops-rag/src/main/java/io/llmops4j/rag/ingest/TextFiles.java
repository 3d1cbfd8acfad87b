package io.llmops4j.rag.ingest;

import io.llmops4j.rag.IngestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading text files strictly: binary content and invalid UTF-8 are errors, not mojibake. */
final class TextFiles {
    private static final int SNIFF_BYTES = 8192;

    private TextFiles() {
    }

    /** Throws if the first 8 KiB contain a NUL byte, the mark of a binary file. */
    static void refuseBinary(Path file) {
        byte[] head = new byte[SNIFF_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                throw new IngestException(file + ": binary file (NUL byte at offset " + i + ")");
            }
        }
    }

    /** A reader that fails on malformed UTF-8 instead of substituting characters. */
    static Reader strictUtf8(Path file) {
        refuseBinary(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return new InputStreamReader(Files.newInputStream(file), decoder);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** The whole file as text, refusing files above {@code maxBytes}. */
    static String readAll(Path file, long maxBytes, String format) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new IngestException(file + ": oversized for " + format + ", which is parsed in memory: " + size
                        + " bytes > limit " + maxBytes);
            }
            try (Reader r = strictUtf8(file)) {
                StringBuilder sb = new StringBuilder((int) size);
                char[] buf = new char[8192];
                for (int n = r.read(buf); n >= 0; n = r.read(buf)) {
                    sb.append(buf, 0, n);
                }
                return sb.toString();
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static IngestException unreadable(Path file, IOException e) {
        if (e instanceof MalformedInputException) {
            return new IngestException(file + ": not valid UTF-8 text (binary or another encoding)", e);
        }
        return new IngestException(file + ": unreadable: " + e, e);
    }
}
