package io.llmops4j.rag.ingest;

import io.llmops4j.rag.Document;
import io.llmops4j.rag.IngestException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** PDF through PDFBox, read from the file (not loaded into memory whole), text extracted page by page. */
final class PdfLoader implements DocumentLoader {

    @Override
    public void load(Path file, Context ctx) {
        try (PDDocument pdf = Loader.loadPDF(new RandomAccessReadBufferedFile(file.toFile()))) {
            Map<String, String> base = new HashMap<>(ctx.metadata());
            String title = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            if (title != null && !title.isBlank()) {
                base.put(Document.TITLE, title.strip());
            }
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            int offset = 0;
            boolean any = false;
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(pdf);
                if (!text.isBlank()) {
                    Map<String, String> meta = new HashMap<>(base);
                    meta.put(Document.PAGE, Integer.toString(page));
                    ctx.accept(new Document(ctx.documentId(), text, offset, meta));
                    any = true;
                }
                offset += text.length();
            }
            if (!any) {
                throw new IngestException(file + ": no text in any of its " + pdf.getNumberOfPages()
                        + " pages (scanned images need OCR)");
            }
        } catch (InvalidPasswordException e) {
            throw new IngestException(file + ": PDF is encrypted with a password", e);
        } catch (IOException e) {
            throw new IngestException(file + ": not a readable PDF: " + e.getMessage(), e);
        }
    }
}
