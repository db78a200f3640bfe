#!/usr/bin/env bash
# Fuzzes every Jazzer target for its maxDuration (20 s) each, one JVM per target (Jazzer fuzzes one test per run).
# `./mvnw verify` replays only the stored inputs (src/test/resources/**/*FuzzTestInputs); this script fuzzes.
#   src/bench/fuzz.sh [rounds]     (default 1; each round continues from the corpus kept in .cifuzz-corpus/)
# A finding fails the script and is written under src/test/resources/<package>/<Class>Inputs/<method>/crash-*:
# commit it once fixed, and every build replays it.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
TARGETS=(
  "EgressPolicyFuzzTest#no_accepted_url_or_address_reaches_a_non_public_address"
  "AuditExportFuzzTest#json_lines_parse_back_to_the_same_values_one_line_per_event"
  "AuditExportFuzzTest#csv_cells_parse_back_neutralised_with_crlf_record_ends"
  "MetadataParsersFuzzTest#bearer_challenge_parses_any_header_without_failing"
  "MetadataParsersFuzzTest#protected_resource_metadata_is_accepted_only_for_this_server"
  "MetadataParsersFuzzTest#authorization_server_metadata_is_accepted_only_with_the_issuer_asked_for"
)
mkdir -p target/fuzz
./mvnw -B -ntp -q test-compile
for round in $(seq 1 "${1:-1}"); do
  for target in "${TARGETS[@]}"; do
    log="target/fuzz/${target//#/_}.log"
    if JAZZER_FUZZ=1 ./mvnw -B -ntp -o surefire:test -Dtest="$target" -DexcludedGroups= \
        -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx1g" > "$log" 2>&1; then
      echo "[fuzz] round $round $target: $(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
    else
      echo "[fuzz] round $round $target: FINDING or failure, see $log"
      grep -E 'FuzzTestFinding|Exception|crash-' "$log" | head -5
      exit 1
    fi
  done
done
