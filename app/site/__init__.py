"""The pages of the site itself: the home page, the choice of language, the health check, the old
addresses of moved pages, and the template probe of the load benchmark."""
