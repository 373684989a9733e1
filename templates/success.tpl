{{%AUTOESCAPE context="HTML"}}<p>You have successfully verified your phone number.</p>
<p class="aside">Verified number: <strong>{{MASKED_NUMBER}}</strong></p>
