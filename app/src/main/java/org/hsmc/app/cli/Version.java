package org.hsmc.app.cli;

import picocli.CommandLine;

/** {@code hsmc --version}. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Hsmc.class.getPackage().getImplementationVersion();
        return new String[] {"hsmc " + (v == null ? "development build" : v)
                + " (Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
    }
}
