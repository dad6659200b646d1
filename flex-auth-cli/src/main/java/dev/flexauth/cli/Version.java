package dev.flexauth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The version the build stamped into {@code version.properties}, for {@code version} and {@code --version}. */
final class Version implements CommandLine.IVersionProvider {
    static String number() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }

    static String line() {
        return "flex-auth " + number() + " (Java " + Runtime.version() + ", " + System.getProperty("java.vm.name") + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }
}
