package dev.flexauth.server.transport;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** Builds the HTTPS configuration from a PKCS#12 keystore and a password file; TLS 1.2 and 1.3 only. */
public final class Tls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private Tls() {
    }

    /**
     * The configurator for {@code keystore}, unlocked by the password in {@code passwordFile}
     * (surrounding whitespace trimmed).
     *
     * @throws IllegalArgumentException with a message naming the file and what is wrong
     */
    public static HttpsConfigurator configurator(Path keystore, Path passwordFile) {
        char[] password;
        try {
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-password-file " + passwordFile + ": cannot read it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = context.getDefaultSSLParameters();
                    p.setProtocols(PROTOCOLS);
                    params.setSSLParameters(p);
                }
            };
        } catch (IOException | GeneralSecurityException e) {
            // The message never holds the password; a wrong one shows as "keystore password was incorrect".
            throw new IllegalArgumentException("--tls-keystore " + keystore + ": cannot load it as a PKCS#12 keystore with the "
                    + "password in " + passwordFile + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
