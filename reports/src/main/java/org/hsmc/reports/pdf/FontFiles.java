package org.hsmc.reports.pdf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the report fonts are: DejaVu Sans (regular and bold) and DejaVu Sans Mono for Latin text,
 * hashes and KCVs, and WenQuanYi Zen Hei for Chinese. All four have TrueType outlines, which PDFBox
 * subsets and embeds, so a report prints the same on any machine (ADR 0006).
 *
 * <p>The files are looked up, in this order, in the folder named by the system property
 * {@value #PROPERTY} (or the environment variable {@value #ENVIRONMENT}; a packaged console points it
 * at its own {@code fonts} folder), then in the usual system font folders of Debian/Ubuntu, Fedora,
 * macOS and Windows. Nothing is downloaded and no other font is substituted: a missing file is a
 * {@link ReportFontsMissingException} that says which package to install.
 *
 * @param regular Latin text
 * @param bold    Latin headings
 * @param mono    hex: hashes, KCVs, key components
 * @param cjk     Chinese text, a TrueType collection ({@code .ttc}) holding {@link #CJK_FONT_NAME}
 */
public record FontFiles(Path regular, Path bold, Path mono, Path cjk) {

    /** System property naming a folder that holds the four font files. */
    public static final String PROPERTY = "hsmc.report.fonts";
    /** Environment variable naming a folder that holds the four font files. */
    public static final String ENVIRONMENT = "HSMC_REPORT_FONTS";
    /** The face used inside {@code wqy-zenhei.ttc}. */
    public static final String CJK_FONT_NAME = "WenQuanYiZenHei";

    static final String REGULAR = "DejaVuSans.ttf";
    static final String BOLD = "DejaVuSans-Bold.ttf";
    static final String MONO = "DejaVuSansMono.ttf";
    static final String CJK = "wqy-zenhei.ttc";

    private static final List<String> SYSTEM_FOLDERS = List.of(
            "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/wqy",              // Debian, Ubuntu
            "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/dejavu-sans-mono-fonts",   // Fedora
            "/usr/share/fonts/wqy-zenhei", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
            "/Library/Fonts", System.getProperty("user.home", "") + "/Library/Fonts",          // macOS
            "C:\\Windows\\Fonts");                                                             // Windows

    /**
     * Finds the four files.
     *
     * @throws ReportFontsMissingException naming every missing file and how to get it
     */
    public static FontFiles locate() {
        List<Path> folders = new ArrayList<>();
        configuredFolder().ifPresent(folders::add);
        SYSTEM_FOLDERS.stream().filter(s -> !s.isBlank()).map(Path::of).forEach(folders::add);
        return locateIn(folders);
    }

    /** Finds the four files in {@code folders}, the first folder that has a file winning. */
    public static FontFiles locateIn(List<Path> folders) {
        Map<String, Path> found = new LinkedHashMap<>();
        for (String name : List.of(REGULAR, BOLD, MONO, CJK)) {
            for (Path folder : folders) {
                Path candidate = folder.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isReadable(candidate)) {
                    found.put(name, candidate);
                    break;
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : List.of(REGULAR, BOLD, MONO, CJK)) {
            if (!found.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ReportFontsMissingException(missing, folders);
        }
        return new FontFiles(found.get(REGULAR), found.get(BOLD), found.get(MONO), found.get(CJK));
    }

    private static Optional<Path> configuredFolder() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENVIRONMENT);
        }
        return p == null || p.isBlank() ? Optional.empty() : Optional.of(Path.of(p));
    }

    /** The report fonts are not on this machine. */
    public static final class ReportFontsMissingException extends RuntimeException {

        ReportFontsMissingException(List<String> missing, List<Path> folders) {
            super("The report fonts " + String.join(", ", missing) + " were not found (looked in " + folders.stream()
                    .map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("no folder") + "). Reports embed DejaVu"
                    + " Sans and WenQuanYi Zen Hei so that they print the same everywhere. On Debian or Ubuntu install them"
                    + " with: sudo apt-get install fonts-dejavu-core fonts-wqy-zenhei. Elsewhere, copy " + REGULAR + ", " + BOLD
                    + ", " + MONO + " and " + CJK + " into one folder and start the console with -D" + PROPERTY
                    + "=FOLDER (or " + ENVIRONMENT + "=FOLDER).");
        }
    }
}
