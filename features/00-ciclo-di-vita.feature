# language: it
@ciclo-di-vita @positivo @accreditamento-rt
Funzionalità: Ciclo di vita completo di un documento per i cinque codici fiscali di test RT
  Per l'accreditamento RT ogni impianto deve dimostrare in stage i quattro metodi esposti da CART:
  validazione e pubblicazione contestuale, aggiornamento metadati, sostituzione ed eliminazione,
  usando solo i cinque codici fiscali di test di Regione Toscana. Ogni risposta, accettata o no,
  riporta un X-Cart-id che viene conservato nelle evidenze.

  @validate-and-create @update-metadata @replace @delete
  Schema dello scenario: ciclo di vita <tipo> per il paziente <cf>
    Dato un documento <tipo> per il paziente <cf>
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 202
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze
    Quando invio la richiesta di aggiornamento metadati
    Allora la risposta ha stato HTTP 200
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze
    Dato la nuova versione del documento
    Quando invio la richiesta di sostituzione
    Allora la risposta ha stato HTTP 202
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze
    Quando invio la richiesta di eliminazione
    Allora la risposta ha stato HTTP 200
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf |
      | LAB | RMSLSO31M04Z404R |

    @LAB @MNTMRA03M71C615V
    Esempi: LAB — MNTMRA03M71C615V
      | tipo | cf |
      | LAB | MNTMRA03M71C615V |

    @LAB @MNZLSN99E05F205J
    Esempi: LAB — MNZLSN99E05F205J
      | tipo | cf |
      | LAB | MNZLSN99E05F205J |

    @LAB @DRCGNN12A46A326K
    Esempi: LAB — DRCGNN12A46A326K
      | tipo | cf |
      | LAB | DRCGNN12A46A326K |

    @LAB @BRGLRZ80D58H501Q
    Esempi: LAB — BRGLRZ80D58H501Q
      | tipo | cf |
      | LAB | BRGLRZ80D58H501Q |

    @RAD @RMSLSO31M04Z404R
    Esempi: RAD — RMSLSO31M04Z404R
      | tipo | cf |
      | RAD | RMSLSO31M04Z404R |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf |
      | RAD | MNTMRA03M71C615V |

    @RAD @MNZLSN99E05F205J
    Esempi: RAD — MNZLSN99E05F205J
      | tipo | cf |
      | RAD | MNZLSN99E05F205J |

    @RAD @DRCGNN12A46A326K
    Esempi: RAD — DRCGNN12A46A326K
      | tipo | cf |
      | RAD | DRCGNN12A46A326K |

    @RAD @BRGLRZ80D58H501Q
    Esempi: RAD — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAD | BRGLRZ80D58H501Q |

    @LDO @RMSLSO31M04Z404R
    Esempi: LDO — RMSLSO31M04Z404R
      | tipo | cf |
      | LDO | RMSLSO31M04Z404R |

    @LDO @MNTMRA03M71C615V
    Esempi: LDO — MNTMRA03M71C615V
      | tipo | cf |
      | LDO | MNTMRA03M71C615V |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf |
      | LDO | MNZLSN99E05F205J |

    @LDO @DRCGNN12A46A326K
    Esempi: LDO — DRCGNN12A46A326K
      | tipo | cf |
      | LDO | DRCGNN12A46A326K |

    @LDO @BRGLRZ80D58H501Q
    Esempi: LDO — BRGLRZ80D58H501Q
      | tipo | cf |
      | LDO | BRGLRZ80D58H501Q |

    @RSA @RMSLSO31M04Z404R
    Esempi: RSA — RMSLSO31M04Z404R
      | tipo | cf |
      | RSA | RMSLSO31M04Z404R |

    @RSA @MNTMRA03M71C615V
    Esempi: RSA — MNTMRA03M71C615V
      | tipo | cf |
      | RSA | MNTMRA03M71C615V |

    @RSA @MNZLSN99E05F205J
    Esempi: RSA — MNZLSN99E05F205J
      | tipo | cf |
      | RSA | MNZLSN99E05F205J |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf |
      | RSA | DRCGNN12A46A326K |

    @RSA @BRGLRZ80D58H501Q
    Esempi: RSA — BRGLRZ80D58H501Q
      | tipo | cf |
      | RSA | BRGLRZ80D58H501Q |

    @RAP @RMSLSO31M04Z404R
    Esempi: RAP — RMSLSO31M04Z404R
      | tipo | cf |
      | RAP | RMSLSO31M04Z404R |

    @RAP @MNTMRA03M71C615V
    Esempi: RAP — MNTMRA03M71C615V
      | tipo | cf |
      | RAP | MNTMRA03M71C615V |

    @RAP @MNZLSN99E05F205J
    Esempi: RAP — MNZLSN99E05F205J
      | tipo | cf |
      | RAP | MNZLSN99E05F205J |

    @RAP @DRCGNN12A46A326K
    Esempi: RAP — DRCGNN12A46A326K
      | tipo | cf |
      | RAP | DRCGNN12A46A326K |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf |
      | RAP | BRGLRZ80D58H501Q |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf |
      | VPS | RMSLSO31M04Z404R |

    @VPS @MNTMRA03M71C615V
    Esempi: VPS — MNTMRA03M71C615V
      | tipo | cf |
      | VPS | MNTMRA03M71C615V |

    @VPS @MNZLSN99E05F205J
    Esempi: VPS — MNZLSN99E05F205J
      | tipo | cf |
      | VPS | MNZLSN99E05F205J |

    @VPS @DRCGNN12A46A326K
    Esempi: VPS — DRCGNN12A46A326K
      | tipo | cf |
      | VPS | DRCGNN12A46A326K |

    @VPS @BRGLRZ80D58H501Q
    Esempi: VPS — BRGLRZ80D58H501Q
      | tipo | cf |
      | VPS | BRGLRZ80D58H501Q |

    @PSS @RMSLSO31M04Z404R
    Esempi: PSS — RMSLSO31M04Z404R
      | tipo | cf |
      | PSS | RMSLSO31M04Z404R |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf |
      | PSS | MNTMRA03M71C615V |

    @PSS @MNZLSN99E05F205J
    Esempi: PSS — MNZLSN99E05F205J
      | tipo | cf |
      | PSS | MNZLSN99E05F205J |

    @PSS @DRCGNN12A46A326K
    Esempi: PSS — DRCGNN12A46A326K
      | tipo | cf |
      | PSS | DRCGNN12A46A326K |

    @PSS @BRGLRZ80D58H501Q
    Esempi: PSS — BRGLRZ80D58H501Q
      | tipo | cf |
      | PSS | BRGLRZ80D58H501Q |

    @CERT_VACC @RMSLSO31M04Z404R
    Esempi: CERT_VACC — RMSLSO31M04Z404R
      | tipo | cf |
      | CERT_VACC | RMSLSO31M04Z404R |

    @CERT_VACC @MNTMRA03M71C615V
    Esempi: CERT_VACC — MNTMRA03M71C615V
      | tipo | cf |
      | CERT_VACC | MNTMRA03M71C615V |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | CERT_VACC | MNZLSN99E05F205J |

    @CERT_VACC @DRCGNN12A46A326K
    Esempi: CERT_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | CERT_VACC | DRCGNN12A46A326K |

    @CERT_VACC @BRGLRZ80D58H501Q
    Esempi: CERT_VACC — BRGLRZ80D58H501Q
      | tipo | cf |
      | CERT_VACC | BRGLRZ80D58H501Q |

    @SING_VACC @RMSLSO31M04Z404R
    Esempi: SING_VACC — RMSLSO31M04Z404R
      | tipo | cf |
      | SING_VACC | RMSLSO31M04Z404R |

    @SING_VACC @MNTMRA03M71C615V
    Esempi: SING_VACC — MNTMRA03M71C615V
      | tipo | cf |
      | SING_VACC | MNTMRA03M71C615V |

    @SING_VACC @MNZLSN99E05F205J
    Esempi: SING_VACC — MNZLSN99E05F205J
      | tipo | cf |
      | SING_VACC | MNZLSN99E05F205J |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf |
      | SING_VACC | DRCGNN12A46A326K |

    @SING_VACC @BRGLRZ80D58H501Q
    Esempi: SING_VACC — BRGLRZ80D58H501Q
      | tipo | cf |
      | SING_VACC | BRGLRZ80D58H501Q |
