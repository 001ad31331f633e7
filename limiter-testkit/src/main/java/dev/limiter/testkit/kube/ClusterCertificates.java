package dev.limiter.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PEM files a throw-away cluster needs, written into one directory: a CA, the API server's
 * serving certificate (for 127.0.0.1 and localhost) signed by it, an admin client certificate in
 * {@code system:masters} signed by it, and the key pair that signs ServiceAccount tokens.
 */
final class ClusterCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final Duration VALIDITY = Duration.ofDays(7);

  final Path caCert;
  final Path serverCert;
  final Path serverKey;
  final Path adminCert;
  final Path adminKey;
  final Path serviceAccountKey;
  final Path serviceAccountPublicKey;

  private ClusterCertificates(Path dir) {
    caCert = dir.resolve("ca.crt");
    serverCert = dir.resolve("apiserver.crt");
    serverKey = dir.resolve("apiserver.key");
    adminCert = dir.resolve("admin.crt");
    adminKey = dir.resolve("admin.key");
    serviceAccountKey = dir.resolve("sa.key");
    serviceAccountPublicKey = dir.resolve("sa.pub");
  }

  /** Generates every key and certificate into {@code dir}. */
  static ClusterCertificates generate(Path dir) {
    ClusterCertificates files = new ClusterCertificates(dir);
    try {
      KeyPair ca = keyPair();
      X500Name caName = new X500Name("CN=limiter-test-ca");
      X509Certificate caCertificate =
          sign(
              builder(caName, caName, ca)
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature)),
              ca.getPrivate());
      write(files.caCert, caCertificate);

      KeyPair server = keyPair();
      write(
          files.serverCert,
          sign(
              leaf(caName, new X500Name("CN=kube-apiserver"), server, KeyPurposeId.id_kp_serverAuth)
                  .addExtension(
                      Extension.subjectAlternativeName,
                      false,
                      new GeneralNames(
                          new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.dNSName, "kubernetes.default.svc")
                          })),
              ca.getPrivate()));
      write(files.serverKey, server.getPrivate());

      KeyPair admin = keyPair();
      write(
          files.adminCert,
          sign(
              leaf(
                  caName,
                  new X500Name("O=system:masters,CN=limiter-test-admin"),
                  admin,
                  KeyPurposeId.id_kp_clientAuth),
              ca.getPrivate()));
      write(files.adminKey, admin.getPrivate());

      KeyPair serviceAccount = keyPair();
      write(files.serviceAccountKey, serviceAccount.getPrivate());
      write(files.serviceAccountPublicKey, serviceAccount.getPublic());
      return files;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not generate the test cluster's certificates", e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the test cluster's certificates", e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        // a minute of slack: the API server and this JVM read the same clock, but not atomically
        Date.from(now.minus(Duration.ofMinutes(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        keys.getPublic());
  }

  private static X509v3CertificateBuilder leaf(
      X500Name issuer, X500Name subject, KeyPair keys, KeyPurposeId purpose) throws IOException {
    return builder(issuer, subject, keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
  }

  private static void write(Path file, Object pemObject) throws IOException {
    try (Writer out = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(pemObject);
    }
  }
}
