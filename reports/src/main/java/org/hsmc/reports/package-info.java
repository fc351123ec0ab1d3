/** Turns ceremony records into PDF: ceremony reports, key component forms, audit extracts, inventory. No JavaFX. */
package org.hsmc.reports;
