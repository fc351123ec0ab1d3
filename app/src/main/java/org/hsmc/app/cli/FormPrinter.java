package org.hsmc.app.cli;

/**
 * Where a key component form goes when the ceremony that creates the component prints it: the
 * system printer, the print dialog of the console's window, or, in a rehearsal home, a folder of the
 * home. The form is the PDF of {@link org.hsmc.reports.ComponentForms}; the caller wipes those bytes
 * as soon as {@link #print} returns, so an implementation must not keep them (nor anything made from
 * them) afterwards.
 */
public interface FormPrinter {

    /**
     * Prints one form.
     *
     * @return where it went, for the screen and the terminal (a printer's job id, a file); never the component
     * @throws FormPrintException when it could not be printed, with what to do
     */
    String print(Form form, byte[] pdf);

    /** True for the rehearsal folder of a demo home: the forms then say REHEARSAL on the page. */
    default boolean rehearsal() {
        return false;
    }

    /** What the form is, without its secret: for titles, file names and messages. */
    record Form(String runId, String zone, String keyId, int index, int count, String holder) {

        /** "zmk/sh-01/v1, component 1 of 3 for Bob". */
        public String title() {
            return keyId + ", component " + index + " of " + count + " for " + holder;
        }
    }

    /** A form could not be printed; the message says why and what to do. */
    final class FormPrintException extends RuntimeException {
        public FormPrintException(String message) {
            super(message);
        }

        public FormPrintException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
