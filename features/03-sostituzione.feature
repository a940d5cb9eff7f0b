# language: it
@replace
Funzionalità: Sostituzione documento (PUT documents/{identificativoDocUpdate})
  Sostituisce un documento pubblicato con la sua versione successiva (nuovo id, stesso setId,
  versionNumber+1, relatedDocument RPLC). CART non espone un servizio di validazione separato:
  il documento nuovo viene validato nella stessa chiamata.

  @positivo
  Schema dello scenario: sostituzione di un documento <tipo>
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 202
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-193
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
  Schema dello scenario: <tipo>: sostituzione con token senza purpose_of_use
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il token FSE-JWT-Signature non contiene il claim "purpose_of_use"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
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

  @negativo @token
  Schema dello scenario: <tipo>: sostituzione con action_id TEST
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il claim "action_id" del token FSE-JWT-Signature vale "TEST"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
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

  @negativo @token
  Schema dello scenario: <tipo>: sostituzione con person_id diverso dal paziente del CDA
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il claim person_id indica il paziente <altro_cf>
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
    E l'X-Cart-id è stato registrato nelle evidenze

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
  Schema dello scenario: <tipo>: sostituzione con resource_hl7_type diverso dal codice del CDA
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il claim "resource_hl7_type" del token FSE-JWT-Signature vale "<altro_codice>"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 403
    E il tipo di errore è "/msg/jwt-validation"
    E l'X-Cart-id è stato registrato nelle evidenze

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
  Schema dello scenario: <tipo>: sostituzione con token scaduti
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E i token sono scaduti
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con token firmati da una chiave diversa da x5c
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E i token sono firmati con una chiave diversa da quella del certificato x5c
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con attachment_hash calcolato su altri byte
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E l'attachment_hash è calcolato su byte diversi dal file inviato
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/document-hash"
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
  Schema dello scenario: <tipo>: sostituzione con PDF non firmato
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento con il file "PDF non firmato"
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con un file che non è un PDF
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento con il file "non PDF"
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con PDF senza cda.xml
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento con il file "PDF senza cda.xml"
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con CDA senza confidentialityCode
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento con la modifica "senza-confidentialityCode"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/syntax"
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

  @negativo @cda @schematron
  Schema dello scenario: <tipo>: sostituzione con regola dello schematron violata
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento con la modifica "schematron-<tipo>"
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con administrativeGenderCode fuori dominio
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento con la modifica "genere-fuori-dominio"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/vocabulary"
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

  @negativo @corpo
  Schema dello scenario: <tipo>: sostituzione con campo sconosciuto nel corpo (rifiutato dal bordo: additionalProperties false)
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il corpo della richiesta contiene il campo "campoSconosciuto" con valore "x"
    Quando invio la richiesta di sostituzione
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
  Schema dello scenario: <tipo>: sostituzione con data non valida
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il corpo della richiesta contiene il campo "dataInizioPrestazione" con valore "2022:05:09-07:30+00"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/invalid-format"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-323
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
  Schema dello scenario: <tipo>: sostituzione con codice di regola d'accesso sconosciuto
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E il corpo della richiesta contiene il campo "attiCliniciRegoleAccesso" con valore "[\"XXX\"]"
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/mandatory-element"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-322
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

  @negativo @inesistente
  Schema dello scenario: <tipo>: sostituzione di un documento inesistente
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E la nuova versione del documento
    E l'identificativo del documento da modificare è inesistente
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 404
    E il tipo di errore è "/msg/record-not-found"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-206
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
