package dev.limiter.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One resource sent to admission, as the CRD validation tests and the real-server tier share them.
 *
 * @param name what the case is
 * @param resource the whole resource
 * @param stored the stored resource it updates, or null for a create
 * @param field where a refusal is reported (e.g. {@code spec.billing.mode}); null for a case that
 *     is admitted
 */
record AdmissionCase(String name, JsonNode resource, JsonNode stored, String field) {
  @Override
  public String toString() {
    return name;
  }
}
