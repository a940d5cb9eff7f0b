# language: it
@update-metadata
Funzionalità: Aggiornamento metadati (PUT documents/{identificativoDocUpdate}/metadata)
  Aggiorna i metadati di un documento già pubblicato; il corpo è JSON (non multipart) e il token
  FSE-JWT-Signature usa action_id UPDATE e purpose_of_use UPDATE.

  @positivo
  Schema dello scenario: aggiornamento metadati di un documento <tipo>
    Dato un documento <tipo> pubblicato per il paziente <cf>
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 200
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-194
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

  @positivo @oscuramento
  Schema dello scenario: oscuramento (P99) di un documento <tipo> con purpose_of_use ACCESS UPDATE
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il purpose_of_use è "ACCESS UPDATE"
    E il corpo della richiesta contiene il campo "attiCliniciRegoleAccesso" con valore "[\"P99\"]"
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 200
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-196
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
  Schema dello scenario: <tipo>: aggiornamento con token senza purpose_of_use
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il token FSE-JWT-Signature non contiene il claim "purpose_of_use"
    Quando invio la richiesta di aggiornamento metadati
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
  Schema dello scenario: <tipo>: aggiornamento con action_id TEST
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il claim "action_id" del token FSE-JWT-Signature vale "TEST"
    Quando invio la richiesta di aggiornamento metadati
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

  @negativo @token @bordo
  Schema dello scenario: <tipo>: aggiornamento con token scaduti
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E i token sono scaduti
    Quando invio la richiesta di aggiornamento metadati
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
  Schema dello scenario: <tipo>: aggiornamento con token firmati da una chiave diversa da x5c
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E i token sono firmati con una chiave diversa da quella del certificato x5c
    Quando invio la richiesta di aggiornamento metadati
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

  @negativo @corpo
  Schema dello scenario: <tipo>: aggiornamento con data non valida
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il corpo della richiesta contiene il campo "dataInizioPrestazione" con valore "2022:05:09-07:30+00"
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/mandatory-element"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-353
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
  Schema dello scenario: <tipo>: aggiornamento con codice di regola d'accesso sconosciuto
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il corpo della richiesta contiene il campo "attiCliniciRegoleAccesso" con valore "[\"XXX\"]"
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "/msg/mandatory-element"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-352
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
  Schema dello scenario: <tipo>: aggiornamento con un campo sconosciuto (rifiutato dal bordo: additionalProperties false)
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il corpo della richiesta contiene il campo "campoSconosciuto" con valore "x"
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 400
    E il tipo di errore è "https://govway.org/handling-errors/400/InvalidRequestContent.html"
    E l'X-Cart-id è stato registrato nelle evidenze
    E il dettaglio dell'errore contiene "body: Additional property 'campoSconosciuto' is not allowed. (code: 1000)"

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

  @negativo @inesistente
  Schema dello scenario: <tipo>: aggiornamento di un documento inesistente
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E l'identificativo del documento da modificare è inesistente
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 404
    E il tipo di errore è "/msg/record-not-found"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-205
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
