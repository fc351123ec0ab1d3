package org.hsmc.app.gui;

import javafx.application.Platform;
import javafx.scene.image.WritableImage;
import javafx.stage.Window;
import org.hsmc.app.cli.FormPrinter;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The window's printer of key component forms at a real site: the form's page is rendered to an image
 * on the ceremony thread, the system print dialog prints it (on the JavaFX thread), and the image is
 * painted white right after. The operator picks the printer in the dialog; cancelling it stops the step.
 */
final class DialogFormPrinter implements FormPrinter {

    /** Print resolution: enough for hex digits, small enough to render in a moment. */
    static final float DPI = 200;
    private final Supplier<Window> owner;
    private final I18n i18n;

    DialogFormPrinter(Supplier<Window> owner, I18n i18n) {
        this.owner = owner;
        this.i18n = i18n;
    }

    @Override
    public String print(Form form, byte[] pdf) {
        List<WritableImage> pages = PdfPages.render(pdf, DPI);
        CompletableFuture<FxPrinting.Outcome> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                done.complete(FxPrinting.print(owner.get(), form.title(), pages));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            FxPrinting.Outcome o = done.get();
            return switch (o) {
                case PRINTED -> i18n.t("forms.printed_dialog");
                case CANCELLED -> throw new FormPrintException(i18n.t("forms.cancelled", form.title()));
                case NO_PRINTER -> throw new FormPrintException(i18n.t("forms.no_printer", form.title()));
                case FAILED -> throw new FormPrintException(i18n.t("forms.failed", form.title()));
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FormPrintException(i18n.t("forms.failed", form.title()), e);
        } catch (ExecutionException e) {
            throw new FormPrintException(i18n.t("forms.failed", form.title()) + " " + MainWindow.message(e), e);
        } finally {
            Platform.runLater(() -> pages.forEach(PdfPages::wipe));
        }
    }
}
