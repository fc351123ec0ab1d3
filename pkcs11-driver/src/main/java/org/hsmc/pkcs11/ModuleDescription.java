package org.hsmc.pkcs11;

import java.nio.file.Path;

/** A loaded PKCS#11 library's CK_INFO. */
public record ModuleDescription(Path path, String manufacturer, String description, String libraryVersion,
                                String cryptokiVersion) {
}
