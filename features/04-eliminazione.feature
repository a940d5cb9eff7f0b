# language: it
@delete
Funzionalità: Eliminazione documento (DELETE documents/{identificativoDocUpdate})
  Elimina un documento pubblicato. Nessun corpo; il token FSE-JWT-Signature usa action_id DELETE
  e purpose_of_use UPDATE.

  @positivo
  Schema dello scenario: eliminazione di un documento <tipo>
    Dato un documento <tipo> pubblicato per il paziente <cf>
    Quando invio la richiesta di eliminazione
    Allora la risposta ha stato HTTP 200
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-195
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
  Schema dello scenario: <tipo>: eliminazione con token senza purpose_of_use
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il token FSE-JWT-Signature non contiene il claim "purpose_of_use"
    Quando invio la richiesta di eliminazione
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
  Schema dello scenario: <tipo>: eliminazione con action_id TEST
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E il claim "action_id" del token FSE-JWT-Signature vale "TEST"
    Quando invio la richiesta di eliminazione
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
  Schema dello scenario: <tipo>: eliminazione con token scaduti
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E i token sono scaduti
    Quando invio la richiesta di eliminazione
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
  Schema dello scenario: <tipo>: eliminazione con token firmati da una chiave diversa da x5c
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E i token sono firmati con una chiave diversa da quella del certificato x5c
    Quando invio la richiesta di eliminazione
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

  @negativo @inesistente
  Schema dello scenario: <tipo>: eliminazione di un documento inesistente
    Dato un documento <tipo> pubblicato per il paziente <cf>
    E l'identificativo del documento da modificare è inesistente
    Quando invio la richiesta di eliminazione
    Allora la risposta ha stato HTTP 404
    E il tipo di errore è "/msg/record-not-found"
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R @naz-204
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
