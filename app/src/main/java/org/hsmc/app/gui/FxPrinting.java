package org.hsmc.app.gui;

import javafx.print.PageLayout;
import javafx.print.PrinterJob;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.stage.Window;

import java.util.List;

/**
 * Printing page images through the system print dialog (JavaFX {@link PrinterJob}); on the JavaFX
 * thread, as the dialog needs. Each page is scaled to the printable area of the chosen paper.
 */
final class FxPrinting {

    /** How a print request ended. */
    enum Outcome { PRINTED, CANCELLED, NO_PRINTER, FAILED }

    private FxPrinting() {
    }

    /** Shows the print dialog and prints {@code pages} as one job named {@code jobName}. */
    static Outcome print(Window owner, String jobName, List<? extends Image> pages) {
        PrinterJob job = PrinterJob.createPrinterJob();
        if (job == null) {
            return Outcome.NO_PRINTER;
        }
        job.getJobSettings().setJobName(jobName);
        if (!job.showPrintDialog(owner)) {
            job.cancelJob();
            return Outcome.CANCELLED;
        }
        PageLayout layout = job.getJobSettings().getPageLayout();
        for (Image page : pages) {
            ImageView view = new ImageView(page);
            view.setPreserveRatio(true);
            view.setFitWidth(layout.getPrintableWidth());
            view.setFitHeight(layout.getPrintableHeight());
            if (!job.printPage(view)) {
                job.cancelJob();
                return Outcome.FAILED;
            }
        }
        return job.endJob() ? Outcome.PRINTED : Outcome.FAILED;
    }
}
