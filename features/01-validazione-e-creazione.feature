# language: it
@validate-and-create
Funzionalità: Validazione e pubblicazione contestuale (POST documents/validate-and-create)
  Il metodo con cui le strutture private toscane pubblicano un nuovo documento: il gateway valida il CDA
  (XSD, schematron, terminologia) e lo pubblica in un'unica chiamata. I casi negativi cambiano una sola
  cosa rispetto a una richiesta corretta e verificano stato HTTP e tipo d'errore restituiti.

  @positivo
  Schema dello scenario: pubblicazione di un documento <tipo>
    Dato un documento <tipo> per il paziente <cf>
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 202
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-192
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @token
  Schema dello scenario: <tipo>: token senza purpose_of_use
    Dato un documento <tipo> per il paziente <cf>
    E il token FSE-JWT-Signature non contiene il claim "purpose_of_use"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
    E l'X-Cart-id è stato registrato nelle evidenze
    E il dettaglio dell'errore contiene "purpose_of_use"

    @LAB @RMSLSO31M04Z404R @naz-28
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V @naz-31
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J @naz-29
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K @naz-32
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q @naz-423
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R @naz-35
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V @naz-30
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J @naz-33
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K @naz-34
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @token
  Schema dello scenario: <tipo>: action_id TEST
    Dato un documento <tipo> per il paziente <cf>
    E il claim "action_id" del token FSE-JWT-Signature vale "TEST"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
    E l'X-Cart-id è stato registrato nelle evidenze
    E il dettaglio dell'errore contiene "action_id"

    @LAB @RMSLSO31M04Z404R @naz-36
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V @naz-39
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J @naz-37
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K @naz-40
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q @naz-424
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R @naz-43
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V @naz-38
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J @naz-41
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K @naz-42
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @token
  Schema dello scenario: <tipo>: person_id diverso dal paziente del CDA
    Dato un documento <tipo> per il paziente <cf>
    E il claim person_id indica il paziente <altro_cf>
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
    E l'X-Cart-id è stato registrato nelle evidenze
    E l'istanza dell'errore è "/jwt-person-id"

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf | altro_cf |
      | LAB | RMSLSO31M04Z404R | MNTMRA03M71C615V |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf | altro_cf |
      | RAD | MNTMRA03M71C615V | MNZLSN99E05F205J |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf | altro_cf |
      | LDO | MNZLSN99E05F205J | DRCGNN12A46A326K |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf | altro_cf |
      | RSA | DRCGNN12A46A326K | BRGLRZ80D58H501Q |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf | altro_cf |
      | RAP | BRGLRZ80D58H501Q | RMSLSO31M04Z404R |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf | altro_cf |
      | VPS | RMSLSO31M04Z404R | MNTMRA03M71C615V |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf | altro_cf |
      | PSS | MNTMRA03M71C615V | MNZLSN99E05F205J |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf | altro_cf |
      | CERT_VACC | MNZLSN99E05F205J | DRCGNN12A46A326K |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf | altro_cf |
      | SING_VACC | DRCGNN12A46A326K | BRGLRZ80D58H501Q |

  @negativo @token
  Schema dello scenario: <tipo>: resource_hl7_type diverso dal codice del CDA
    Dato un documento <tipo> per il paziente <cf>
    E il claim "resource_hl7_type" del token FSE-JWT-Signature vale "<altro_codice>"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
    E l'X-Cart-id è stato registrato nelle evidenze
    E l'istanza dell'errore è "/jwt-document-type"

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf | altro_codice |
      | LAB | RMSLSO31M04Z404R | ('34105-7^^2.16.840.1.113883.6.1') |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf | altro_codice |
      | RAD | MNTMRA03M71C615V | ('34105-7^^2.16.840.1.113883.6.1') |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf | altro_codice |
      | LDO | MNZLSN99E05F205J | ('11502-2^^2.16.840.1.113883.6.1') |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf | altro_codice |
      | RSA | DRCGNN12A46A326K | ('34105-7^^2.16.840.1.113883.6.1') |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf | altro_codice |
      | RAP | BRGLRZ80D58H501Q | ('34105-7^^2.16.840.1.113883.6.1') |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf | altro_codice |
      | VPS | RMSLSO31M04Z404R | ('34105-7^^2.16.840.1.113883.6.1') |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf | altro_codice |
      | PSS | MNTMRA03M71C615V | ('34105-7^^2.16.840.1.113883.6.1') |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf | altro_codice |
      | CERT_VACC | MNZLSN99E05F205J | ('34105-7^^2.16.840.1.113883.6.1') |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf | altro_codice |
      | SING_VACC | DRCGNN12A46A326K | ('34105-7^^2.16.840.1.113883.6.1') |

  @negativo @token @bordo
  Schema dello scenario: <tipo>: token scaduti
    Dato un documento <tipo> per il paziente <cf>
    E i token sono scaduti
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 401
    E il tipo di errore è "https://govway.org/handling-errors/401/TokenAuthenticationFailed.html"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @token @bordo
  Schema dello scenario: <tipo>: token firmati con una chiave diversa da quella di x5c
    Dato un documento <tipo> per il paziente <cf>
    E i token sono firmati con una chiave diversa da quella del certificato x5c
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 401
    E il tipo di errore è "https://govway.org/handling-errors/401/TokenAuthenticationFailed.html"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @hash
  Schema dello scenario: <tipo>: attachment_hash calcolato su altri byte
    Dato un documento <tipo> per il paziente <cf>
    E l'attachment_hash è calcolato su byte diversi dal file inviato
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/document-hash"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-198
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @pdf
  Schema dello scenario: <tipo>: PDF non firmato
    Dato un documento <tipo> per il paziente <cf> con il file "PDF non firmato"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/sign-error"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @pdf
  Schema dello scenario: <tipo>: file che non è un PDF
    Dato un documento <tipo> per il paziente <cf> con il file "non PDF"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 415
    E il tipo di errore è "/msg/document-type"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @pdf
  Schema dello scenario: <tipo>: PDF senza cda.xml
    Dato un documento <tipo> per il paziente <cf> con il file "PDF senza cda.xml"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/cda-element"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @cda @sintassi
  Schema dello scenario: <tipo>: CDA senza confidentialityCode (XSD)
    Dato un documento <tipo> per il paziente <cf> con la modifica "senza-confidentialityCode"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/syntax"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-52
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V @naz-75
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J @naz-63
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K @naz-151
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q @naz-426
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R @naz-122
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V @naz-174
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J @naz-94
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K @naz-107
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @cda @schematron
  Schema dello scenario: <tipo>: codice fiscale del paziente in minuscolo (schematron)
    Dato un documento <tipo> per il paziente <cf> con la modifica "cf-minuscolo"
    E il claim person_id indica il paziente <cf_minuscolo>
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 422
    E il tipo di errore è "/msg/semantic"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-53
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf | cf_minuscolo |
      | LAB | RMSLSO31M04Z404R | rmslso31m04z404r |

    @RAD @MNTMRA03M71C615V @naz-76
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf | cf_minuscolo |
      | RAD | MNTMRA03M71C615V | mntmra03m71c615v |

    @LDO @MNZLSN99E05F205J @naz-64
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf | cf_minuscolo |
      | LDO | MNZLSN99E05F205J | mnzlsn99e05f205j |

    @RSA @DRCGNN12A46A326K @naz-152
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf | cf_minuscolo |
      | RSA | DRCGNN12A46A326K | drcgnn12a46a326k |

    @VPS @RMSLSO31M04Z404R @naz-123
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf | cf_minuscolo |
      | VPS | RMSLSO31M04Z404R | rmslso31m04z404r |

    @PSS @MNTMRA03M71C615V @naz-175
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf | cf_minuscolo |
      | PSS | MNTMRA03M71C615V | mntmra03m71c615v |

    @CERT_VACC @MNZLSN99E05F205J @naz-95
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf | cf_minuscolo |
      | CERT_VACC | MNZLSN99E05F205J | mnzlsn99e05f205j |

    @SING_VACC @DRCGNN12A46A326K @naz-108
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf | cf_minuscolo |
      | SING_VACC | DRCGNN12A46A326K | drcgnn12a46a326k |

  @negativo @cda @schematron
  Schema dello scenario: <tipo>: regola dello schematron corrente violata
    Dato un documento <tipo> per il paziente <cf> con la modifica "schematron-<tipo>"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 422
    E il tipo di errore è "/msg/semantic"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @cda @terminologia
  Schema dello scenario: <tipo>: administrativeGenderCode fuori da M/F/UN (terminologia)
    Dato un documento <tipo> per il paziente <cf> con la modifica "genere-fuori-dominio"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/vocabulary"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-57
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V @naz-80
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J @naz-68
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K @naz-156
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q @naz-431
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R @naz-127
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V @naz-179
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J @naz-99
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K @naz-112
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @corpo
  Schema dello scenario: <tipo>: campo sconosciuto nel corpo della richiesta (rifiutato dal bordo: additionalProperties false)
    Dato un documento <tipo> per il paziente <cf>
    E il corpo della richiesta contiene il campo "campoSconosciuto" con valore "x"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "https://govway.org/handling-errors/400/InvalidRequestContent.html"
    E l'X-Cart-id è stato registrato nelle evidenze
    E il dettaglio dell'errore contiene "body.requestBody: Additional property 'campoSconosciuto' is not allowed. (code: 1000)"

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @corpo
  Schema dello scenario: <tipo>: data di inizio prestazione non valida
    Dato un documento <tipo> per il paziente <cf>
    E il corpo della richiesta contiene il campo "dataInizioPrestazione" con valore "2022:05:09-07:30+00"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/invalid-format"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-321
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

  @negativo @corpo
  Schema dello scenario: <tipo>: codice di regola d'accesso sconosciuto
    Dato un documento <tipo> per il paziente <cf>
    E il corpo della richiesta contiene il campo "attiCliniciRegoleAccesso" con valore "[\"XXX\"]"
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/mandatory-element"
    E l'X-Cart-id è stato registrato nelle evidenze
    E il dettaglio dell'errore contiene "XXX"

    @LAB @RMSLSO31M04Z404R @naz-320
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |
