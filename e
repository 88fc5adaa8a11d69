claimcheck: --max-attempts: '0' is not a whole number from 1 to 20 (see 'claimcheck stats --help')
