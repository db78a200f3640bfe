package org.connectorconsole.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where the sealing keyset comes from: {@code CONSOLE_SEALING_KEYSET} (the JSON itself), else
 * {@code CONSOLE_SEALING_KEYSET_FILE}, else — only with the embedded database — a keyset generated once beside
 * the embedded data. With an external database and no keyset the console refuses to start: instances that each
 * invented a key would not open each other's secrets.
 */
@Configuration(proxyBeanMethods = false)
class SealingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SealingConfiguration.class);

    @Bean
    SecretSealer secretSealer(Environment env) throws IOException {
        String inline = env.getProperty("console.sealing.keyset");
        if (StringUtils.hasText(inline)) {
            return SecretSealer.fromJson(inline);
        }
        String file = env.getProperty("console.sealing.keyset-file");
        if (StringUtils.hasText(file)) {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                throw new IllegalStateException("The sealing keyset file " + path.toAbsolutePath()
                        + " (CONSOLE_SEALING_KEYSET_FILE) cannot be read.");
            }
            return SecretSealer.fromJson(Files.readString(path));
        }
        if (StringUtils.hasText(env.getProperty("spring.datasource.url"))) {
            throw new IllegalStateException("A database is configured but no sealing key: set "
                    + "CONSOLE_SEALING_KEYSET_FILE to a keyset file (create one with 'java -jar "
                    + "connector-console.jar keyset new > keyset.json'), see README 'Secrets at rest'.");
        }
        Path dataDir = Path.of(env.getProperty("console.embedded-db.data-dir", ".data/postgres")).toAbsolutePath();
        Path generated = dataDir.getParent().resolve("sealing-keyset.json");
        if (!Files.exists(generated)) {
            OwnerOnlyFiles.create(generated, SecretSealer.newKeysetJson());
            log.warn("Generated a sealing key for the embedded database at {}. Secrets stored by this console "
                    + "open only with it: keep it with the data folder.", generated);
        }
        return SecretSealer.fromJson(Files.readString(generated));
    }
}
